namespace Patchbay.Platform.Hosting;

/// <summary>
/// The bounds on what callers may store (README "Limits"). Each is checked before any storage call and refused with a
/// 400 naming the field and the limit; each keeps a stored row well inside Table Storage's limits (32K characters per
/// string property, 1 MiB per row), so a write can never fail half-way for its size.
/// </summary>
public static class InputLimits
{
    /// <summary><c>entity_id</c> of connections and subscriptions, in characters (no control characters).</summary>
    public const int MaxEntityIdChars = 256;

    /// <summary>A connection's credentials: the stored envelope JSON, in UTF-8 bytes (encrypted, it must fit one Table property).</summary>
    public const int MaxCredentialsBytes = 16 * 1024;

    /// <summary>A subscription's webhook URL, in characters.</summary>
    public const int MaxWebhookUrlChars = 2048;

    /// <summary>A subscription's inputs, in characters of JSON.</summary>
    public const int MaxSubscriptionInputsChars = 30_000;
}
