using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>
/// The HTTP transport behind every Azure SDK client this connector creates. The Azure SDK does not go
/// through <c>FetchAsync</c>, so the transport is built from the platform's network guard
/// (<see cref="ConnectorContext.Network"/>): a connection string can name any endpoint, and it reaches
/// exactly what <c>FetchAsync</c> may reach (no loopback or private addresses unless the platform allows
/// private networks, never link-local or metadata addresses, no system proxy).
/// </summary>
/// <remarks>
/// It also bounds every response body it hands the Azure SDK to <see cref="MaxResponseBytes"/>: the SDK reads list and
/// error answers whole into memory, and a connection string may point at any server. Downloads stop far below the
/// bound on their own (<c>max_bytes</c>, at most 10 MiB).
/// </remarks>
internal static class StorageNetwork
{
    /// <summary>The most bytes of one response body the connector reads: 32 MiB (a full 5000-blob listing page is a few MiB).</summary>
    public const long MaxResponseBytes = 32L * 1024 * 1024;

    // One transport (one connection pool) per guard; the platform has one guard per process.
    private static readonly ConditionalWeakTable<NetworkGuard, HttpClientTransport> s_transports = new();

    public static HttpClientTransport GetTransport(NetworkGuard network) =>
        s_transports.GetValue(network, static guard => new HttpClientTransport(CreateHttpClient(guard)));

    public static HttpClient CreateHttpClient(NetworkGuard guard, long maxResponseBytes = MaxResponseBytes) => new(new ResponseSizeLimit(maxResponseBytes)
    {
        InnerHandler = guard.CreateHandler(static handler => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5)),
    })
    {
        // The Azure SDK applies its own per-try network timeout.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>The Azure Storage SDK's default retries (5, exponential from 0.8 s), except that a refusal is final.</summary>
    public static RetryPolicy CreateRetryPolicy() => new RefusalAwareRetryPolicy();

    /// <summary>The guard's refusal behind an SDK exception, if the guard caused it.</summary>
    public static FetchBlockedException? FindRefusal(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is FetchBlockedException refusal) return refusal;
        }

        return null;
    }
}

internal sealed class RefusalAwareRetryPolicy() : RetryPolicy(5, DelayStrategy.CreateExponentialDelayStrategy(TimeSpan.FromSeconds(0.8), TimeSpan.FromMinutes(1)))
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        StorageNetwork.FindRefusal(exception) is null && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        StorageNetwork.FindRefusal(exception) is null ? base.ShouldRetryAsync(message, exception) : ValueTask.FromResult(false);
}

/// <summary>Hands the Azure SDK response bodies that end the read with <see cref="InvalidDataException"/> past the limit.</summary>
internal sealed class ResponseSizeLimit(long limit) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        HttpContent original = response.Content;
        var limited = new StreamContent(new LimitedStream(await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), limit, request.RequestUri?.Host));
        foreach (KeyValuePair<string, IEnumerable<string>> header in original.Headers)
        {
            limited.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = limited;
        return response;
    }
}

/// <summary>A read-only stream that throws <see cref="InvalidDataException"/> (not retried; the platform answers 502) once more than the limit was read.</summary>
internal sealed class LimitedStream(Stream inner, long limit, string? host) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            // Let go of the connection now (the rest of this answer is never read), not when the Azure SDK disposes the
            // response: the server sees the client leave, and no endless answer keeps a connection busy meanwhile.
            inner.Dispose();
            throw new InvalidDataException($"Azure Storage at {host ?? "this endpoint"} answered more than {limit} bytes, more than any answer the connector reads; check that the endpoint is an Azure Storage account.");
        }

        return read;
    }
}
