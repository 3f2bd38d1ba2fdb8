using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Patchbay.Benchmarks.Polling;

/// <summary>
/// A fresh Azurite for one bench run (the repository's pinned one from node_modules, in memory, on free loopback ports),
/// stopped on dispose. The polling benches each start their own, so no run sees another's rows.
/// </summary>
internal sealed class BenchAzurite : IAsyncDisposable
{
    /// <summary>The version package.json pins (the benches print it beside their figures).</summary>
    public const string Version = "3.37.0";

    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;

    private BenchAzurite(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    /// <summary>The storage connection string of its blob, queue and table endpoints.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts Azurite and waits (at most 30 s) until its three services listen.</summary>
    public static async Task<BenchAzurite> StartAsync()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Patchbay.slnx"))) root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("Run from inside the repository.");
        string azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite)) throw new InvalidOperationException($"Azurite is not installed at {azurite}; run `npm ci` in the repository root.");
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var start = new ProcessStartInfo(azurite) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = new BenchAzurite(process, $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (int port in new[] { blob, queue, table })
        {
            while (!await IsListeningAsync(port))
            {
                if (DateTime.UtcNow > deadline)
                {
                    await started.DisposeAsync();
                    throw new TimeoutException("Azurite did not start within 30 s.");
                }

                await Task.Delay(100);
            }
        }

        return started;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
