using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Platform.OAuth;

/// <summary>
/// Talks to providers' token endpoints: the authorization-code exchange (with the PKCE verifier) and the refresh grant,
/// each a form post with the client credentials in the body (RFC 6749 §2.3.1), through the network guard. Transient
/// failures (5xx, 429, timeouts, connection errors) are retried up to <see cref="MaxAttempts"/> times with doubling
/// backoff from <see cref="BaseDelay"/>; an OAuth error answer (<c>invalid_grant</c>, ...) is returned at once.
/// </summary>
public sealed class OAuthTokenClient : IDisposable
{
    /// <summary>Tries per exchange, the first included.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The longest one try may take.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The longest token response read, in bytes.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public OAuthTokenClient(IOptions<PatchbayOptions> options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new HttpClient(options.Value.CreateNetworkGuard().CreateHandler(), disposeHandler: true) { Timeout = AttemptTimeout, MaxResponseContentBufferSize = MaxResponseBytes };
        _logger = loggers.CreateLogger("Patchbay.OAuth");
    }

    /// <summary>The first backoff; doubled per try. Settable for tests.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Exchanges an authorization code.</summary>
    public Task<TokenResult> ExchangeCodeAsync(OAuthProvider provider, string code, string verifier, string callback, CancellationToken cancellationToken) =>
        PostAsync(provider, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = callback,
            ["code_verifier"] = verifier,
        }, cancellationToken);

    /// <summary>Redeems a refresh token.</summary>
    public Task<TokenResult> RefreshAsync(OAuthProvider provider, string refreshToken, CancellationToken cancellationToken) =>
        PostAsync(provider, new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, cancellationToken);

    private async Task<TokenResult> PostAsync(OAuthProvider provider, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        form["client_id"] = provider.ClientId ?? string.Empty;
        if (provider.ClientSecret is { } secret) form["client_secret"] = secret;
        string? transient = null;
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(BaseDelay * (1 << (attempt - 2)), TimeProvider.System, cancellationToken);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, provider.TokenUrl) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            try
            {
                using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken);
                string text = await response.Content.ReadAsStringAsync(cancellationToken);
                int status = (int)response.StatusCode;
                if (status >= 500 || status == 429)
                {
                    transient = $"{provider.Name}'s token endpoint answered HTTP {status}";
                    _logger.LogWarning("Token endpoint of {Provider} answered {Status} (try {Attempt} of {Max})", provider.Name, status, attempt, MaxAttempts);
                    continue;
                }

                return Parse(provider, status, text);
            }
            catch (Exception ex) when (ex is HttpRequestException or FetchConnectException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                transient = ex is OperationCanceledException
                    ? $"{provider.Name}'s token endpoint did not answer within {AttemptTimeout.TotalSeconds:0} s"
                    : $"{provider.Name}'s token endpoint could not be reached: {ex.Message}";
                _logger.LogWarning("Token endpoint of {Provider} failed: {Reason} (try {Attempt} of {Max})", provider.Name, transient, attempt, MaxAttempts);
            }
        }

        return TokenResult.Transient($"{transient} after {MaxAttempts} tries.");
    }

    private static TokenResult Parse(OAuthProvider provider, int status, string text)
    {
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return TokenResult.Failed("invalid_response", $"{provider.Name}'s token endpoint answered HTTP {status} with a body that is not JSON.");
        }

        if (root.ValueKind != JsonValueKind.Object) return TokenResult.Failed("invalid_response", $"{provider.Name}'s token endpoint answered HTTP {status} with JSON that is not an object.");
        if (String(root, "error") is { } error)
        {
            string description = String(root, "error_description") is { } d ? $"{error}: {d}" : error;
            return TokenResult.Failed(error, $"{provider.Name} refused the token request: {description}");
        }

        if (status is < 200 or > 299 || String(root, "access_token") is not { Length: > 0 } access)
        {
            return TokenResult.Failed("invalid_response", $"{provider.Name}'s token endpoint answered HTTP {status} without an access_token.");
        }

        long? expiresIn = root.TryGetProperty("expires_in", out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long s) ? s
            : root.TryGetProperty("expires_in", out e) && e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), out s) ? s : null;
        return new TokenResult(new TokenSet(access, String(root, "refresh_token"), expiresIn, String(root, "scope"), String(root, "token_type")), null, null, false);
    }

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public void Dispose() => _http.Dispose();
}

/// <summary>Tokens as a token endpoint issued them.</summary>
public sealed record TokenSet(string AccessToken, string? RefreshToken, long? ExpiresInSeconds, string? Scope, string? TokenType);

/// <summary>A token endpoint's answer: tokens, or an OAuth error code and a sentence, and whether trying later may help.</summary>
public sealed record TokenResult(TokenSet? Tokens, string? Error, string? Message, bool IsTransient)
{
    public static TokenResult Failed(string error, string message) => new(null, error, message, false);
    public static TokenResult Transient(string message) => new(null, "temporarily_unavailable", message, true);
}
