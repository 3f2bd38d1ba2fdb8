namespace Patchbay.Platform.Hosting;

/// <summary>Where a request's invocation id lives, so problem details and logs of either host carry the same id.</summary>
public static class InvocationIds
{
    /// <summary>The <see cref="HttpContext.Items"/> key a host sets to the request's invocation id.</summary>
    public const string ItemKey = "Patchbay.InvocationId";

    /// <summary>The response header that echoes the invocation id to the caller.</summary>
    public const string ResponseHeader = "X-Patchbay-Invocation-Id";

    /// <summary>The invocation id a host recorded for <paramref name="context"/>, if any.</summary>
    public static string? Get(HttpContext context) => context.Items[ItemKey] as string;
}
