using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Patchbay.Testing;

/// <summary>
/// Starts a real Azurite (blob, queue and table) from the repository's node_modules on free loopback
/// ports, in memory, for one test class or collection; stops it afterwards.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>The Azurite (node) process, e.g. to freeze it with SIGSTOP in a fault test.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Azurite is not running.");

    /// <summary>A connection string for all three services.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};QueueEndpoint=http://127.0.0.1:{QueuePort}/{Account};TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";

    public async Task InitializeAsync()
    {
        string azurite = Path.Combine(FindRepoRoot(), "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}; run `npm ci` in the repository root (./test.sh does).");
        }

        // A free port is free when FreePort releases it, not necessarily when Azurite binds it: another process (a test
        // suite running beside this one) can take it in between, and Azurite then exits (EADDRINUSE). Try again on fresh
        // ports, a bounded number of times.
        const int Attempts = 3;
        for (int attempt = 1; ; attempt++)
        {
            var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
            if (await TryStartAsync(azurite, errors)) return;
            string said = string.Join(" | ", errors.TakeLast(5));
            if (attempt == Attempts) throw new InvalidOperationException($"Azurite exited with code {_process!.ExitCode} before listening, {Attempts} times on fresh ports; it said: {said}");
            _process!.Dispose();
            _process = null;
        }
    }

    private async Task<bool> TryStartAsync(string azurite, System.Collections.Concurrent.ConcurrentQueue<string> errors)
    {
        BlobPort = FreePort();
        QueuePort = FreePort();
        TablePort = FreePort();
        var start = new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent",
                "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--disableTelemetry",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, line) => { if (line.Data is { Length: > 0 } text && errors.Count < 50) errors.Enqueue(text); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(90);
        foreach (int port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await IsListeningAsync(port))
            {
                if (_process.HasExited) return false;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Azurite did not listen on port {port} within 90 s.");
                await Task.Delay(100);
            }
        }

        // Still running once all three listen: the ports are Azurite's (not another process's that took them first).
        return !_process.HasExited;
    }

    /// <summary>Stops Azurite; a second call does nothing (a fault test may stop it before its app is disposed).</summary>
    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
        return Task.CompletedTask;
    }

    /// <summary>The repository root: the nearest parent folder holding package.json.</summary>
    public static string FindRepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "Patchbay.slnx"))) return dir.FullName;
        }

        throw new InvalidOperationException("Could not find the repository root (package.json next to Patchbay.slnx) above " + AppContext.BaseDirectory);
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
