using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Patchbay.Sdk.Fetch;

/// <summary>
/// One request composed once (URL with query and API key, auth, headers, body bytes) so that every
/// attempt and every redirect hop can build a fresh <see cref="HttpRequestMessage"/> from it.
/// </summary>
internal sealed class FetchPlan
{
    // Headers kept when a redirect leaves the origin; every other caller-set header is dropped with the credentials.
    private static readonly HashSet<string> SafeAcrossOrigins = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Accept-Language", "Accept-Encoding", "Cache-Control", "Content-Type", "Content-Language",
        "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "Pragma", "User-Agent",
    };

    private const string Redacted = "***";
    private const int MinSecretLength = 3;

    private readonly List<(string Name, string Value, bool IsCredential)> _headers = [];
    private readonly List<(string Name, string Value)> _contentHeaders = [];
    private readonly List<(Uri From, Uri To)> _overrides = [];
    private readonly List<string> _secrets = [];
    private byte[]? _body;

    private FetchPlan(HttpMethod method, Uri url, TimeSpan timeout, long maxResponseBytes, IReadOnlyList<string> allowedHosts, ILogger logger)
    {
        Method = method;
        Url = url;
        Timeout = timeout;
        MaxResponseBytes = maxResponseBytes;
        AllowedHosts = allowedHosts;
        Logger = logger;
        IsIdempotent = method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
            || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;
    }

    public HttpMethod Method { get; }

    /// <summary>The URL the handler wrote, with query and any API key; <c>allowed_hosts</c> applies to it.</summary>
    public Uri Url { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The most bytes of the final response's body that are read.</summary>
    public long MaxResponseBytes { get; }

    public IReadOnlyList<string> AllowedHosts { get; }

    public ILogger Logger { get; }

    /// <summary>Whether the method may be repeated after the server may have acted on it.</summary>
    public bool IsIdempotent { get; }

    /// <summary>Host and path for logs and messages: no query string, credentials masked.</summary>
    public string Target => Redact(Url.Host + Url.AbsolutePath);

    /// <summary>Attempts started so far (the first is 1).</summary>
    public int Attempts { get; set; }

    public static async Task<FetchPlan> CreateAsync(
        FetchRequest request, ConnectorContextOptions context, TimeSpan defaultTimeout, long defaultMaxResponseBytes, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Url, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Method, nameof(request));
        int bodies = (request.Json is null ? 0 : 1) + (request.Form is null ? 0 : 1) + (request.Body is null ? 0 : 1);
        if (bodies > 1)
        {
            throw new ArgumentException("Pass at most one of json, form and body.", nameof(request));
        }

        TimeSpan timeout = request.Timeout ?? defaultTimeout;
        if (timeout <= TimeSpan.Zero || timeout > FetchConstants.MaxTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(request), timeout, "The timeout must be greater than zero and at most 1 day.");
        }

        long maxResponseBytes = request.MaxResponseBytes ?? defaultMaxResponseBytes;
        if (maxResponseBytes is < 1 or > FetchConstants.MaxResponseBytesLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(request), maxResponseBytes, $"maxResponseBytes must be between 1 and {FetchConstants.MaxResponseBytesLimit} (1 GiB).");
        }

        ConnectorAuth auth = context.Auth ?? ConnectorAuth.None;
        ThrowIfLoneSurrogate(request.Url, "The URL");
        ThrowIfLoneSurrogates(request.Headers, "header");
        ThrowIfLoneSurrogates(request.Form, "form field");
        string url = request.Url.Trim();
        if (request.Query is { Count: > 0 } query)
        {
            url = AppendQuery(url, FormatQuery(query));
        }

        ApiKeyPlacement? apiKey = context.ApiKey;
        string? apiKeyValue = apiKey is null ? null : auth.GetCredential(apiKey.Field);
        if (apiKey is not null && apiKeyValue is not null && !apiKey.InHeader)
        {
            url = AppendQuery(url, [(apiKey.Name, apiKey.Prefix + apiKeyValue)]);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // The URL itself stays out of the message: its query may hold a key.
            throw new ArgumentException("The URL must be an absolute http or https URL.", nameof(request));
        }

        var plan = new FetchPlan(request.Method, uri, timeout, maxResponseBytes, context.AllowedHosts ?? [], logger);
        plan.CollectSecrets(auth);
        plan.AddOverrides(context.BaseUrlOverrides);
        plan.AddHeaders(request.Headers, auth, apiKey, apiKeyValue);
        await plan.AddBodyAsync(request, cancellationToken).ConfigureAwait(false);
        return plan;
    }

    /// <summary>Where a logical URL is really sent: <see cref="ConnectorContextOptions.BaseUrlOverrides"/> applied.</summary>
    public Uri ApplyOverrides(Uri logical)
    {
        foreach ((Uri from, Uri to) in _overrides)
        {
            if (SameOrigin(from, logical))
            {
                string basePath = to.AbsolutePath.TrimEnd('/');
                return new Uri(to.GetLeftPart(UriPartial.Authority) + basePath + logical.PathAndQuery);
            }
        }

        return logical;
    }

    /// <summary>A fresh message for one attempt or redirect hop.</summary>
    public HttpRequestMessage CreateMessage(HttpMethod method, Uri target, bool withBody, bool withCredentials)
    {
        var message = new HttpRequestMessage(method, target);
        if (withBody && _body is not null)
        {
            message.Content = new ByteArrayContent(_body);
            foreach ((string name, string value) in _contentHeaders)
            {
                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        foreach ((string name, string value, bool isCredential) in _headers)
        {
            if (isCredential && !withCredentials)
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value) && message.Content is not null)
            {
                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    /// <summary>Masks every credential value in <paramref name="text"/>.</summary>
    public string Redact(string text)
    {
        foreach (string secret in _secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
            string escaped = Uri.EscapeDataString(secret);
            if (!string.Equals(escaped, secret, StringComparison.Ordinal))
            {
                text = text.Replace(escaped, Redacted, StringComparison.Ordinal);
            }
        }

        return text;
    }

    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    internal static string AppendQuery(string url, IEnumerable<(string Key, string? Value)> pairs)
    {
        var query = new StringBuilder();
        foreach ((string key, string? value) in pairs)
        {
            if (value is null)
            {
                continue;
            }

            if (query.Length > 0) query.Append('&');
            query.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        if (query.Length == 0)
        {
            return url;
        }

        int hash = url.IndexOf('#', StringComparison.Ordinal);
        string fragment = hash >= 0 ? url[hash..] : string.Empty;
        string head = hash >= 0 ? url[..hash] : url;
        string separator = !head.Contains('?', StringComparison.Ordinal) ? "?" : head.EndsWith('?') || head.EndsWith('&') ? string.Empty : "&";
        return head + separator + query + fragment;
    }

    // A lone UTF-16 surrogate cannot be sent (no URL, header or body encoding holds it): refuse it before anything is sent,
    // naming the part but never echoing the text.
    private static List<(string Key, string? Value)> FormatQuery(IReadOnlyDictionary<string, object?> query)
    {
        var pairs = new List<(string Key, string? Value)>(query.Count);
        foreach ((string key, object? value) in query)
        {
            ThrowIfLoneSurrogate(key, "A query parameter name");
            string? text;
            try
            {
                text = FormatQueryValue(value);
            }
            catch (InvalidOperationException ex)
            {
                throw new ArgumentException($"Query parameter '{key}' holds a lone UTF-16 surrogate (not valid Unicode); it cannot be sent.", ex);
            }

            ThrowIfLoneSurrogate(text, $"Query parameter '{key}'");
            pairs.Add((key, text));
        }

        return pairs;
    }

    private static void ThrowIfLoneSurrogates(IReadOnlyDictionary<string, string>? values, string kind)
    {
        if (values is null) return;
        foreach ((string name, string value) in values)
        {
            ThrowIfLoneSurrogate(name, $"A {kind} name");
            ThrowIfLoneSurrogate(value, $"The {kind} '{name}'");
        }
    }

    private static void ThrowIfLoneSurrogate(string? text, string what)
    {
        if (text is null || !HasLoneSurrogate(text)) return;
        throw new ArgumentException($"{what} holds a lone UTF-16 surrogate (not valid Unicode); it cannot be sent.");
    }

    /// <summary>Whether <paramref name="text"/> holds a surrogate that is not half of a pair.</summary>
    internal static bool HasLoneSurrogate(string text)
    {
        ReadOnlySpan<char> span = text;
        int i = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return false;
        for (; i < span.Length; i++)
        {
            char c = span[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= span.Length || !char.IsLowSurrogate(span[i + 1])) return true;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A query value as text: scalars as themselves, objects and arrays as JSON, null skipped.</summary>
    internal static string? FormatQueryValue(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        char c => c.ToString(),
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.String => e.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => JsonSerializer.Serialize(e),
        },
        JsonNode n => FormatQueryValue(JsonSerializer.SerializeToElement(n)),
        JsonDocument d => FormatQueryValue(d.RootElement),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        Enum e => e.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value, value.GetType()),
    };

    private void CollectSecrets(ConnectorAuth auth)
    {
        if (auth.Credentials.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (JsonProperty property in auth.Credentials.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: >= MinSecretLength } secret)
            {
                _secrets.Add(secret);
            }
        }

        // Longest first, so a secret that contains another is masked whole.
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    private void AddOverrides(IReadOnlyDictionary<string, Uri>? overrides)
    {
        if (overrides is null)
        {
            return;
        }

        foreach ((string from, Uri to) in overrides)
        {
            if (Uri.TryCreate(from, UriKind.Absolute, out Uri? fromUri) && to is { IsAbsoluteUri: true })
            {
                _overrides.Add((fromUri, to));
            }
        }
    }

    private void AddHeaders(IReadOnlyDictionary<string, string>? headers, ConnectorAuth auth, ApiKeyPlacement? apiKey, string? apiKeyValue)
    {
        bool callerSetAuthorization = headers?.Keys.Any(k => string.Equals(k, "Authorization", StringComparison.OrdinalIgnoreCase)) == true;
        if (!callerSetAuthorization && auth.AuthType is { } authType)
        {
            if (string.Equals(authType, AuthTypes.PlatformOAuth2, StringComparison.OrdinalIgnoreCase)
                && auth.GetCredential("access_token") is { Length: > 0 } token)
            {
                _headers.Add(("Authorization", "Bearer " + token, true));
            }
            else if (string.Equals(authType, AuthTypes.Basic, StringComparison.OrdinalIgnoreCase)
                     && auth.GetCredential("username") is { } username)
            {
                string pair = Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + (auth.GetCredential("password") ?? string.Empty)));
                _secrets.Add(pair);
                _headers.Add(("Authorization", "Basic " + pair, true));
            }
        }

        if (apiKey is not null && apiKeyValue is not null && apiKey.InHeader
            && headers?.Keys.Any(k => string.Equals(k, apiKey.Name, StringComparison.OrdinalIgnoreCase)) != true)
        {
            _headers.Add((apiKey.Name, apiKey.Prefix + apiKeyValue, true));
        }

        if (headers is null)
        {
            return;
        }

        foreach ((string name, string value) in headers)
        {
            bool isCredential = string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase)
                || (apiKey is not null && string.Equals(name, apiKey.Name, StringComparison.OrdinalIgnoreCase));
            if (isCredential && value is { Length: >= MinSecretLength })
            {
                // The value after the scheme ("Bearer xyz" -> "xyz") is what would leak.
                int space = value.IndexOf(' ', StringComparison.Ordinal);
                _secrets.Add(space > 0 && space < value.Length - MinSecretLength ? value[(space + 1)..] : value);
            }

            // A handler may carry a credential in any header it names (X-Api-Key, Private-Token, ...):
            // on a redirect to another origin only headers known to be harmless go along.
            _headers.Add((name, value, isCredential || !SafeAcrossOrigins.Contains(name)));
        }

        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    private async Task AddBodyAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        if (request.Json is { } json)
        {
            // System.Text.Json writes a lone surrogate in a string as U+FFFD (inputs and credentials never hold one: execution refuses them).
            _body = JsonSerializer.SerializeToUtf8Bytes(json, json.GetType());

            _contentHeaders.Add(("Content-Type", "application/json"));
        }
        else if (request.Form is { } form)
        {
            using var content = new FormUrlEncodedContent(form);
            _body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            _contentHeaders.Add(("Content-Type", "application/x-www-form-urlencoded"));
        }
        else if (request.Body is { } body)
        {
            // Read once so every attempt can send the same bytes with a fresh content object.
            _body = await body.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            foreach (KeyValuePair<string, IEnumerable<string>> header in body.Headers)
            {
                if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    _contentHeaders.Add((header.Key, string.Join(", ", header.Value)));
                }
            }
        }
    }
}
