using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;

namespace Patchbay.Sdk.Fetch;

/// <summary>
/// Sends connector requests: one per process, shared by every <see cref="ConnectorContext"/>.
/// Owns the HTTP handler (network guard on the resolved address), the retry pipeline and redirects.
/// </summary>
/// <remarks>
/// <para>
/// Every request runs through a Polly v8 <see cref="ResiliencePipeline{T}"/> built once per client: an outer
/// retry (<c>Microsoft.Extensions.Http.Resilience.HttpRetryStrategyOptions</c>: exponential backoff from
/// <see cref="FetchOptions.BaseDelay"/> with jitter, at most <see cref="FetchOptions.MaxRetries"/> retries)
/// around an inner per-attempt timeout (<c>Polly.Timeout.TimeoutStrategyOptions</c>). Each attempt builds a
/// fresh <see cref="HttpRequestMessage"/>, follows redirects itself and reads the body, at most
/// <see cref="FetchOptions.MaxResponseBytes"/> of it (<see cref="ResponseTooLargeError"/> beyond, not retried).
/// </para>
/// <para>
/// GET, HEAD, OPTIONS, PUT, DELETE and TRACE are retried on network errors, timeouts, 408 and 5xx. POST and
/// PATCH are retried only when the server cannot have acted: the connection could not be established, or a
/// 429/503 carried Retry-After. A Retry-After up to <see cref="FetchOptions.MaxRetryAfter"/> is the delay; a
/// longer one ends the retries at once (<see cref="RateLimitError"/> for 429, <see cref="HttpError"/> for 503).
/// Delays run on the client's <see cref="TimeProvider"/> and stop as soon as the caller's token is cancelled.
/// </para>
/// <para>
/// Every connection goes through <see cref="Network"/>, a <see cref="NetworkGuard"/> on the resolved IP addresses:
/// link-local and cloud metadata addresses are always refused; loopback, private and every other address that
/// is not globally reachable (<see cref="NetworkAddressPolicy"/>) unless <see cref="FetchOptions.AllowPrivateNetworks"/>.
/// System proxies are never used; <see cref="FetchOptions.Proxy"/> sets one explicitly.
/// Logs carry method, host, path, status, attempt and delay, never a query string or a credential.
/// </para>
/// </remarks>
public class FetchClient : IDisposable
{
    private readonly HttpClient? _ownedClient;
    private readonly IHttpClientFactory? _clientFactory;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = null!;
    private readonly TimeProvider _timeProvider = TimeProvider.System;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly TimeSpan _timeout;
    private readonly int _maxRedirects;
    private readonly long _maxResponseBytes;
    private bool _disposed;

    /// <summary>Creates a client with its own guarded handler; usable without dependency injection.</summary>
    /// <param name="options">Timeouts, retries and the network guard; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for backoff and timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where retries and attempts are logged when the context has no logger.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> has invalid values; the message lists them all.</exception>
    public FetchClient(FetchOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(options, timeProvider, logger, clientFactory: null)
    {
    }

    /// <summary>
    /// Creates a client whose <see cref="HttpClient"/>s come from <paramref name="clientFactory"/> under
    /// <see cref="FetchConstants.HttpClientName"/>; <c>AddPatchbayFetch</c> registers that client with the guarded handler.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> has invalid values; the message lists them all.</exception>
    public FetchClient(IHttpClientFactory clientFactory, FetchOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(options, timeProvider, logger, clientFactory ?? throw new ArgumentNullException(nameof(clientFactory)))
    {
    }

    /// <summary>For mocking.</summary>
    protected FetchClient()
    {
        Options = new FetchOptions();
        Network = NetworkGuard.Default;
    }

    private FetchClient(FetchOptions? options, TimeProvider? timeProvider, ILogger? logger, IHttpClientFactory? clientFactory)
    {
        FetchOptions copy = (options ?? new FetchOptions()).Clone();
        copy.Validate();
        Options = copy;
        _timeout = copy.Timeout;
        _maxRedirects = copy.MaxRedirects;
        Network = copy.CreateNetworkGuard();
        _maxResponseBytes = copy.MaxResponseBytes;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _pipeline = FetchResilience.Build(copy, _timeProvider);
        _clientFactory = clientFactory;
        if (clientFactory is null)
        {
            _ownedClient = new HttpClient(CreateGuardedHandler(Network), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }
    }

    /// <summary>A copy of the options this client runs with; changing it has no effect.</summary>
    public FetchOptions Options { get; }

    /// <summary>
    /// The network guard of this client's options: which addresses requests may reach and the proxy they
    /// go through. Connectors that bring their own HTTP transport build it from this (see <see cref="ConnectorContext.Network"/>).
    /// </summary>
    public NetworkGuard Network { get; }

    /// <summary>
    /// The handler every connection goes through: redirects off (the client follows them itself), no system
    /// proxy (<see cref="FetchOptions.Proxy"/> when set), no cookies shared between connectors, and the
    /// network guard on each resolved address.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> has invalid values.</exception>
    public static HttpMessageHandler CreatePrimaryHandler(FetchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return CreateGuardedHandler(options.CreateNetworkGuard());
    }

    private static HttpMessageHandler CreateGuardedHandler(NetworkGuard network) => network.CreateHandler(static handler =>
    {
        handler.UseCookies = false;
        handler.AutomaticDecompression = DecompressionMethods.All;
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2);
    });

    /// <summary>Sends one request for a connector; see <see cref="ConnectorContext.FetchAsync"/>.</summary>
    /// <exception cref="RateLimitError">The upstream answered 429 and the wait is longer than the client sleeps, or retries ran out.</exception>
    /// <exception cref="HttpError">The upstream answered another non-2xx status after the retries.</exception>
    /// <exception cref="FetchBlockedException">A host is outside <c>allowed_hosts</c> or the network guard refused its address.</exception>
    /// <exception cref="ResponseTooLargeError">The body is longer than the request's limit.</exception>
    /// <exception cref="TimeoutException">The last attempt timed out.</exception>
    /// <exception cref="HttpRequestException">The last attempt failed on the network.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<FetchResponse> SendAsync(FetchRequest request, ConnectorContextOptions context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        ObjectDisposedException.ThrowIf(_disposed, this);

        FetchPlan plan = await FetchPlan.CreateAsync(request, context, _timeout, _maxResponseBytes, context.Logger ?? _logger, cancellationToken).ConfigureAwait(false);
        AllowedHosts.ThrowIfNotAllowed(plan.AllowedHosts, plan.Url, redirect: false);
        Network.ThrowIfRefused(plan.Url);

        ResilienceContext resilienceContext = ResilienceContextPool.Shared.Get(cancellationToken);
        resilienceContext.Properties.Set(FetchResilience.PlanKey, plan);
        try
        {
            using HttpResponseMessage response = await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Client.SendAttemptAsync(state.Plan, ctx.CancellationToken),
                resilienceContext,
                (Client: this, Plan: plan)).ConfigureAwait(false);
            if (plan.Logger.IsEnabled(LogLevel.Debug))
            {
                plan.Logger.LogDebug("{Method} {Target} answered {Status} after {Attempts} attempt(s)", plan.Method.Method, plan.Target, (int)response.StatusCode, plan.Attempts);
            }

            return await FetchResponseReader.ReadAsync(response, plan, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TimeoutException($"{plan.Method.Method} {plan.Target} timed out after {plan.Timeout.TotalMilliseconds:0} ms ({Attempts(plan)}).", ex);
        }
        catch (HttpRequestException ex)
        {
            string cause = FetchResilience.IsConnectFailure(ex) ? "could not connect" : "failed on the network";
            throw new HttpRequestException(ex.HttpRequestError, $"{plan.Method.Method} {plan.Target} {cause} ({Attempts(plan)}).", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(resilienceContext);
        }
    }

    /// <summary>Disposes the handler this client owns (none when its clients come from IHttpClientFactory).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the owned <see cref="HttpClient"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _ownedClient?.Dispose();
        }

        _disposed = true;
    }

    private static string Attempts(FetchPlan plan) => plan.Attempts == 1 ? "1 attempt" : $"{plan.Attempts} attempts";

    /// <summary>One attempt: send, follow redirects (each hop checked against <c>allowed_hosts</c>), buffer the body up to the limit.</summary>
    private async ValueTask<HttpResponseMessage> SendAttemptAsync(FetchPlan plan, CancellationToken cancellationToken)
    {
        int attempt = ++plan.Attempts;
        if (plan.Logger.IsEnabled(LogLevel.Debug))
        {
            // Target is built (host, path, credentials masked) only when the line is written.
            plan.Logger.LogDebug("Sending {Method} {Target} (attempt {Attempt})", plan.Method.Method, plan.Target, attempt);
        }

        HttpClient client = _ownedClient ?? _clientFactory!.CreateClient(FetchConstants.HttpClientName);

        Uri logical = plan.Url;
        HttpMethod method = plan.Method;
        bool withBody = true;
        bool withCredentials = true;
        for (int redirects = 0; ; redirects++)
        {
            Uri target = plan.ApplyOverrides(logical);
            Network.ThrowIfRefused(target);
            HttpResponseMessage response;
            using (HttpRequestMessage message = plan.CreateMessage(method, target, withBody, withCredentials))
            {
                try
                {
                    // Headers first: the body is read below, up to the plan's limit.
                    response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (FindBlocked(ex) is { } blocked)
                {
                    ExceptionDispatchInfo.Throw(blocked);
                    throw;
                }
            }

            int status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location || redirects >= _maxRedirects)
            {
                try
                {
                    await BufferBodyAsync(response, plan, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // Gives up the rest of the body: the handler drains at most a little, then closes the connection.
                    response.Dispose();
                    throw;
                }

                return response;
            }

            response.Dispose();
            Uri next = new(logical, location);
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            {
                throw new FetchBlockedException($"Redirect to a {next.Scheme} URL blocked: only http and https are followed.");
            }

            AllowedHosts.ThrowIfNotAllowed(plan.AllowedHosts, next, redirect: true);
            Network.ThrowIfRefused(next);
            if (!FetchPlan.SameOrigin(logical, next))
            {
                withCredentials = false;
            }

            if ((status == 303 && method != HttpMethod.Head) || (status is 301 or 302 && method == HttpMethod.Post))
            {
                method = HttpMethod.Get;
                withBody = false;
            }

            plan.Logger.LogDebug("Following redirect {Status} from {Target} to {Host}{Path}", status, plan.Target, next.Host, plan.Redact(next.AbsolutePath));
            logical = next;
        }
    }

    /// <summary>
    /// Reads the body into memory, at most <see cref="FetchPlan.MaxResponseBytes"/> (after decompression): a larger
    /// Content-Length is refused before reading, and a body that runs over stops the read there.
    /// </summary>
    /// <exception cref="ResponseTooLargeError">The body is longer than the limit.</exception>
    private static async Task BufferBodyAsync(HttpResponseMessage response, FetchPlan plan, CancellationToken cancellationToken)
    {
        long limit = plan.MaxResponseBytes;
        int status = (int)response.StatusCode;
        HttpContent original = response.Content;
        if (original.Headers.ContentLength is long declared && declared > limit)
        {
            throw new ResponseTooLargeError($"{plan.Method.Method} {plan.Target}", status, limit, declared);
        }

        byte[] bytes;
        int length;
        try
        {
            using Stream body = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (original.Headers.ContentLength is long known && response.RequestMessage?.Method != HttpMethod.Head && status is not (204 or 304))
            {
                // A body of known length (within the limit, checked above): read straight into an array of that size.
                bytes = new byte[known];
                length = await ReadDeclaredAsync(body, bytes, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (bytes, length) = await ReadUndeclaredAsync(body, plan, status, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException ex)
        {
            // A connection reset mid-body: a network failure like any other (retried when the method allows it).
            throw new HttpRequestException(ex is HttpIOException http ? http.HttpRequestError : HttpRequestError.Unknown, "The response body could not be read: " + ex.Message, ex);
        }

        var buffered = new BufferedContent(bytes, length);
        // As received (NonValidated: no parsing of values the reader only copies).
        foreach (KeyValuePair<string, HeaderStringValues> header in original.Headers.NonValidated)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        response.Content = buffered;
        original.Dispose();
    }

    // Reads up to the declared length. HttpClient's stream ends the body there, and throws itself when the connection
    // closes before it; an end it reports earlier is the body's end, as the chunked read below takes it.
    private static async ValueTask<int> ReadDeclaredAsync(Stream body, byte[] bytes, CancellationToken cancellationToken)
    {
        int total = 0, read;
        while (total < bytes.Length && (read = await body.ReadAsync(bytes.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return total;
    }

    // No Content-Length (chunked, or decompressed): read in pooled chunks into a growing buffer, stopping past the limit.
    private static async Task<(byte[] Bytes, int Length)> ReadUndeclaredAsync(Stream body, FetchPlan plan, int status, CancellationToken cancellationToken)
    {
        long limit = plan.MaxResponseBytes;
        var buffer = new MemoryStream((int)Math.Min(16 * 1024, limit));
        byte[] chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new ResponseTooLargeError($"{plan.Method.Method} {plan.Target}", status, limit, declaredLength: null);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffer.GetBuffer(), (int)buffer.Length);
    }

    /// <summary>A body read into memory by <see cref="BufferBodyAsync"/>; <see cref="Bytes"/> lets the reader parse it without another copy.</summary>
    internal sealed class BufferedContent(byte[] buffer, int length) : ByteArrayContent(buffer, 0, length)
    {
        public ReadOnlyMemory<byte> Bytes { get; } = buffer.AsMemory(0, length);
    }

    private static FetchBlockedException? FindBlocked(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is FetchBlockedException blocked)
            {
                return blocked;
            }
        }

        return null;
    }
}
