namespace Patchbay.Sdk.Fetch;

/// <summary>One request as a handler asked for it, before auth, overrides and retries.</summary>
public sealed record FetchRequest(
    string Url,
    HttpMethod Method,
    IReadOnlyDictionary<string, object?>? Query = null,
    object? Json = null,
    IReadOnlyDictionary<string, string>? Form = null,
    HttpContent? Body = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    TimeSpan? Timeout = null,
    long? MaxResponseBytes = null);
