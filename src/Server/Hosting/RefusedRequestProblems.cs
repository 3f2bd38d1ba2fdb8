using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Patchbay.Platform.Hosting;

namespace Patchbay.Server.Hosting;

/// <summary>
/// Gives Kestrel's own refusals a problem-details body. Kestrel answers a request it cannot parse (NUL or another
/// control character in the path, a request line over <see cref="KestrelServerLimits.MaxRequestLineSize"/>, headers over
/// <see cref="KestrelServerLimits.MaxRequestHeadersTotalSize"/>, a malformed header, no Host) itself, before any
/// middleware runs, with an empty body, and offers no hook to change it. This connection middleware sees what Kestrel
/// writes: while no request of the connection is inside the app (<see cref="Track"/> marks them), a response head
/// with <c>Content-Length: 0</c> and an error status can only be such a refusal, and it is rewritten to
/// <c>application/problem+json</c> with a Patchbay type, a detail naming the limit, and an invocation id that is logged.
/// Everything else passes through unchanged: responses of the app, HTTP/2 frames and TLS records never look like an
/// HTTP/1.x head with an empty body, so a TLS endpoint (where this runs outside TLS) keeps Kestrel's empty bodies.
/// </summary>
public static class RefusedRequestProblems
{
    /// <summary>Bytes held while looking for a refusal; Kestrel's refusal heads are a few hundred bytes. Above this, bytes pass through.</summary>
    public const int MaxHeldBytes = 16 * 1024;

    /// <summary>Adds the middleware to a Kestrel endpoint.</summary>
    public static ListenOptions UseRefusedRequestProblems(this ListenOptions listen, KestrelServerLimits limits, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ILogger logger = loggers.CreateLogger("Patchbay.Requests");
        listen.Use(next => async connection =>
        {
            var tracker = new ConnectionRequests();
            IDuplexPipe original = connection.Transport;
            var output = new RefusalRewritingWriter(original.Output, tracker, head => Rewrite(head, limits, logger, connection.ConnectionId));
            connection.Features.Set(tracker);
            connection.Transport = new DuplexPipe(original.Input, output);
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = original;
            }
        });
        return listen;
    }

    /// <summary>
    /// Marks a request as inside the app for the length of <paramref name="next"/>, and completes its response before it
    /// leaves, so every byte of an app response is written while it is marked. The first middleware of the app calls this.
    /// </summary>
    public static async Task Track(HttpContext context, RequestDelegate next)
    {
        ConnectionRequests? tracker = context.Features.Get<ConnectionRequests>();
        if (tracker is null)
        {
            await next(context);
            return;
        }

        tracker.Enter();
        try
        {
            await next(context);
            await context.Response.CompleteAsync();
        }
        finally
        {
            tracker.Leave();
        }
    }

    /// <summary>The problem for a refusal Kestrel answered before the app ran, with the limit at fault.</summary>
    public static Microsoft.AspNetCore.Mvc.ProblemDetails ForRefusal(int status, KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        string detail = status switch
        {
            400 => "The request line or headers are not valid HTTP/1.1 (for example NUL or another control character in the path, a malformed header line, or no Host header). The server refused it before Patchbay read it; fix the request and send it again.",
            408 => $"The request headers did not arrive within {limits.RequestHeadersTimeout.TotalSeconds:0} s; send the whole request at once.",
            413 => $"The request body is larger than {limits.MaxRequestBodySize} bytes ({SettingNames.MaxRequestBytes}).",
            414 => $"The request line (method, path and query) is longer than {limits.MaxRequestLineSize} bytes; put large values in a JSON body instead.",
            431 => $"The request headers are larger than {limits.MaxRequestHeadersTotalSize} bytes in total, or more than {limits.MaxRequestHeaderCount} headers; send fewer or smaller headers.",
            505 => "The HTTP version is not supported; send HTTP/1.1.",
            >= 500 => "Patchbay failed unexpectedly; the log has the details under this invocation id.",
            _ => $"The server refused the request with HTTP {status} before Patchbay read it; fix the request and send it again.",
        };
        return StatusProblems.Make(status, StatusProblems.TypeFor(status), StatusProblems.Title(status), detail);
    }

    // Kestrel's refusal: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: …\r\nServer: Kestrel\r\n\r\n".
    private static byte[]? Rewrite(ReadOnlySpan<byte> written, KestrelServerLimits limits, ILogger logger, string connectionId)
    {
        if (!written.StartsWith("HTTP/1."u8) || !written.EndsWith("\r\n\r\n"u8) || written.IndexOf("\r\n\r\n"u8) != written.Length - 4) return null;
        string head = Encoding.ASCII.GetString(written[..^4]);
        string[] lines = head.Split("\r\n");
        string[] statusLine = lines[0].Split(' ', 3);
        if (statusLine.Length < 2 || !int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status) || status < 400 || status > 599) return null;
        string[] headers = lines[1..];
        if (!headers.Any(h => h.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase))) return null;

        string invocationId = InvocationIds.New();
        Microsoft.AspNetCore.Mvc.ProblemDetails problem = ForRefusal(status, limits);
        byte[] body = Serialize(problem, invocationId);
        using (logger.BeginScope(new LogScope(KeyValuePair.Create("InvocationId", (object?)invocationId))))
        {
            logger.LogInformation("The server refused a request on connection {ConnectionId} before the app read it: {Status} {ProblemType}", connectionId, status, problem.Type);
        }

        var response = new StringBuilder(head.Length + 128);
        response.Append(lines[0]).Append("\r\n");
        foreach (string header in headers.Where(h => !h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
        {
            response.Append(header).Append("\r\n");
        }

        response.Append("Content-Type: application/problem+json\r\n")
            .Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append(InvocationIds.ResponseHeader).Append(": ").Append(invocationId).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(response.ToString()), .. body];
    }

    private static byte[] Serialize(Microsoft.AspNetCore.Mvc.ProblemDetails problem, string invocationId)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", problem.Type);
            json.WriteString("title", problem.Title);
            json.WriteNumber("status", problem.Status ?? 500);
            json.WriteString("detail", problem.Detail);
            json.WriteString("invocation_id", invocationId);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>How many requests of one connection are inside the app (HTTP/2 runs several at once).</summary>
    internal sealed class ConnectionRequests
    {
        private int _inApp;

        public bool AnyInApp => Volatile.Read(ref _inApp) > 0;

        public void Enter() => Interlocked.Increment(ref _inApp);

        public void Leave() => Interlocked.Decrement(ref _inApp);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes writes through while a request is inside the app; otherwise holds them until the flush, then writes
    /// either the rewrite of a refusal or the bytes unchanged.
    /// </summary>
    private sealed class RefusalRewritingWriter(PipeWriter inner, ConnectionRequests requests, Func<byte[], byte[]?> rewrite) : PipeWriter
    {
        private ArrayBufferWriter<byte>? _held;
        private bool _passThroughUntilFlush;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

        public override Memory<byte> GetMemory(int sizeHint = 0) => Target(sizeHint) is { } held ? held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => Target(sizeHint) is { } held ? held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

        public override void Advance(int bytes)
        {
            if (_held is not null) _held.Advance(bytes);
            else inner.Advance(bytes);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Release();
            _passThroughUntilFlush = false;
            return inner.FlushAsync(cancellationToken);
        }

        public override void Complete(Exception? exception = null)
        {
            Release();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            Release();
            return inner.CompleteAsync(exception);
        }

        // Where the next bytes go: held while no request is inside the app, up to MaxHeldBytes.
        private ArrayBufferWriter<byte>? Target(int sizeHint)
        {
            if (_held is null && !_passThroughUntilFlush && !requests.AnyInApp)
            {
                _held = new ArrayBufferWriter<byte>(512);
            }

            if (_held is not null && _held.WrittenCount + Math.Max(sizeHint, 1) > MaxHeldBytes)
            {
                inner.Write(_held.WrittenSpan);
                _held = null;
                _passThroughUntilFlush = true;
            }

            return _held;
        }

        private void Release()
        {
            if (_held is null) return;
            byte[] written = _held.WrittenSpan.ToArray();
            _held = null;
            inner.Write(rewrite(written) ?? written);
        }
    }
}
