namespace Patchbay.Testing.Functions.Http;

/// <summary>
/// The host's RetryProxyHandler: the worker's ASP.NET Core listener may not accept connections yet (or for a moment),
/// so a proxied request that could not connect is tried again, at most 10 times, 50 ms apart doubling to 250 ms.
/// Unlike the host, only connection failures are retried: then the worker cannot have seen the request or its body.
/// </summary>
internal sealed class RetryOnConnectFailureHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    internal const int MaxAttempts = 10;
    private static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaximumDelay = TimeSpan.FromMilliseconds(250);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        TimeSpan delay = InitialDelay;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && attempt < MaxAttempts)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 < MaximumDelay ? delay * 2 : MaximumDelay;
            }
        }
    }
}
