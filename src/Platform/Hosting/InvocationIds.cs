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

    /// <summary>
    /// A new invocation id: a random (version 4) GUID, as the Functions host's, from <see cref="Random.Shared"/>. An id
    /// correlates log lines and answers and is no secret, so it is not drawn from the cryptographic generator, which
    /// <see cref="Guid.NewGuid"/> is: on Linux that is a system call (a read of <c>/dev/urandom</c>) per id, one per request
    /// standalone (issue 15). 122 random bits per id, from a generator seeded per thread from the system's.
    /// </summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        // Guid's byte order is little-endian in its first three fields: byte 7 holds the version nibble, byte 8 the variant.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }
}
