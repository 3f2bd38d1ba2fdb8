using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Patchbay.Testing;

/// <summary>
/// An HTTP/1.1 server on a raw loopback socket, for tests of a client that must stop reading an answer and let go of
/// its connection. Every connection gets the same answer: a head, then either chunks written until a write fails
/// (<see cref="Endless"/>) or a body written and the connection held open (<see cref="Holding"/>). It notices the client
/// leave as the socket does (a write that fails, a read that ends), with no HTTP server's own timeouts or abort
/// bookkeeping in between. The request is not parsed.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _clientLeft = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<NetworkStream, CancellationToken, Task> _answer;
    private readonly Task _accepting;
    private int _connections;

    private RawHttpServer(Func<NetworkStream, CancellationToken, Task> answer)
    {
        _answer = answer;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>
    /// Waits until a client has left (a write failed, or its side of the connection ended); after <paramref name="guard"/>
    /// (a hang guard only), throws <see cref="TimeoutException"/> saying how many connections the server accepted.
    /// </summary>
    public async Task WaitForClientToLeaveAsync(TimeSpan guard)
    {
        try
        {
            await _clientLeft.Task.WaitAsync(guard);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The client did not close the connection within {guard.TotalSeconds:0} s; the server accepted {Connections} connection(s).");
        }
    }

    /// <summary>Connections accepted: one per request, since no answer ends.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>
    /// Answers <paramref name="head"/> (status line and headers, without the blank line; <c>Transfer-Encoding: chunked</c>
    /// is added), then <paramref name="first"/> if given, then <paramref name="chunk"/> as chunk after chunk, forever.
    /// </summary>
    public static RawHttpServer Endless(string head, byte[] chunk, byte[]? first = null)
    {
        byte[] start = Encoding.ASCII.GetBytes(head + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] framed = Frame(chunk);
        byte[]? firstFramed = first is null ? null : Frame(first);
        return new RawHttpServer(async (stream, stop) =>
        {
            await stream.WriteAsync(start, stop);
            if (firstFramed is not null) await stream.WriteAsync(firstFramed, stop);
            while (true) await stream.WriteAsync(framed, stop);
        });
    }

    /// <summary>Answers <paramref name="head"/> (status line and headers, without the blank line) and <paramref name="body"/>, then holds the connection until the client closes it.</summary>
    public static RawHttpServer Holding(string head, byte[] body)
    {
        byte[] start = Encoding.ASCII.GetBytes(head + "\r\n\r\n");
        return new RawHttpServer(async (stream, stop) =>
        {
            await stream.WriteAsync(start, stop);
            await stream.WriteAsync(body, stop);
            // Reads the request and whatever follows until the client's side ends.
            byte[] buffer = new byte[16 * 1024];
            while (await stream.ReadAsync(buffer, stop) > 0)
            {
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private static byte[] Frame(byte[] data) => [.. Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"), .. data, .. "\r\n"u8];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await _answer(client.GetStream(), _stop.Token);
            }
            catch (Exception)
            {
                // A write or read failed: the client left (or the server is stopping).
            }

            // An answer ends only when its client has left, unless the server is stopping.
            if (!_stop.IsCancellationRequested) _clientLeft.TrySetResult();
        }
    }
}
