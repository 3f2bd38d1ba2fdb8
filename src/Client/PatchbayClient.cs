using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Patchbay.Client;

/// <summary>
/// Calls a Patchbay app: connectors and their actions, connections, action runs, tools for LLMs and
/// subscriptions. One instance per app is enough; it is safe to share between threads.
/// </summary>
/// <remarks>
/// Every call carries the key as <c>x-functions-key</c>, is bounded by <see cref="PatchbayClientOptions.Timeout"/>,
/// and fails with a <see cref="PatchbayException"/> that holds Patchbay's problem details. Idempotent calls (GET,
/// DELETE) are retried on network errors, 408, 429, 502, 503 and 504 with exponential backoff and Retry-After;
/// calls that change state (POST) are sent once.
/// </remarks>
public partial class PatchbayClient
{
    private const string InvocationIdHeader = "X-Patchbay-Invocation-Id";
    private readonly HttpClient _http;
    private readonly PatchbayClientOptions _options;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are not valid; the message says which.</exception>
    public PatchbayClient(PatchbayClientOptions options)
        : this(new HttpClient(), options)
    {
    }

    /// <summary>Creates a client on <paramref name="httpClient"/> (e.g. from <c>IHttpClientFactory</c>); its timeout should be infinite or above the options'.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are not valid; the message says which.</exception>
    public PatchbayClient(HttpClient httpClient, PatchbayClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClient;
        _options = options.Validated();
    }

    /// <summary>For mocking.</summary>
    protected PatchbayClient()
    {
        _http = null!;
        _options = new PatchbayClientOptions();
    }

    /// <summary>The app this client calls.</summary>
    public virtual Uri Endpoint => _options.Endpoint!;

    internal async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken, TimeSpan extraTime = default)
    {
        byte[]? content = body switch
        {
            null => null,
            byte[] bytes => bytes,
            _ => JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ClientJson.Options),
        };
        bool idempotent = method == HttpMethod.Get || method == HttpMethod.Delete || method == HttpMethod.Head;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout + extraTime);
        var uri = new Uri(_options.Endpoint!, path);
        for (int attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                using var request = new HttpRequestMessage(method, uri);
                if (_options.ApiKey is { Length: > 0 } key) request.Headers.Add("x-functions-key", key);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (content is not null)
                {
                    request.Content = new ByteArrayContent(content);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                }

                using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                string text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    if (text.Length == 0) return default;
                    using JsonDocument document = JsonDocument.Parse(text);
                    return document.RootElement.Clone();
                }

                string? invocationId = response.Headers.TryGetValues(InvocationIdHeader, out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
                var failure = PatchbayException.FromProblem(response.StatusCode, method.Method, uri.AbsolutePath, text, invocationId);
                if (!idempotent || attempt >= _options.MaxRetries || !IsTransient(response.StatusCode)) throw failure;
                retryAfter = RetryAfter(response);
                if (retryAfter > _options.MaxRetryAfter) throw failure;
            }
            catch (HttpRequestException ex)
            {
                if (!idempotent || attempt >= _options.MaxRetries)
                {
                    throw new PatchbayException($"{method.Method} {uri.AbsolutePath} could not reach Patchbay at {_options.Endpoint}: {ex.Message}", ex);
                }
            }
            catch (JsonException ex)
            {
                throw new PatchbayException($"{method.Method} {uri.AbsolutePath} answered a body that is not JSON; is {_options.Endpoint} a Patchbay app?", ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new PatchbayException($"{method.Method} {uri.AbsolutePath} did not finish within {(_options.Timeout + extraTime).TotalSeconds:0.#} s (PatchbayClientOptions.Timeout).", ex);
            }

            await Task.Delay(retryAfter ?? Backoff(attempt), timeout.Token).ConfigureAwait(false);
        }
    }

    internal static string Escape(string value) => Uri.EscapeDataString(value);

    internal static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder(path);
        char separator = '?';
        foreach ((string name, string? value) in parameters)
        {
            if (value is null) continue;
            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero;
        return null;
    }

    private TimeSpan Backoff(int attempt)
    {
        double factor = Math.Pow(2, attempt) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromMilliseconds(Math.Min(_options.RetryDelay.TotalMilliseconds * factor, 30_000));
    }

    internal static string Seconds(TimeSpan value) => ((int)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
