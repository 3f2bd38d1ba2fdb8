using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using Patchbay.Testing.Functions;

namespace Patchbay.Benchmarks.Startup;

/// <summary>
/// Start-up to first answer for both hosts: the standalone host (the built Patchbay.Server.dll run with dotnet) and
/// the isolated worker (src/FunctionApp) started by the test-only Functions host double, N times each (default 10),
/// timing process start to the first <c>GET /api/health</c> 200. Storage points at a closed loopback port:
/// <c>/api/health</c> needs none, and neither host touches storage before it answers.
/// <c>dotnet run -c Release --project bench/Patchbay.Benchmarks -- startup [runs]</c>.
/// </summary>
internal static class StartupBench
{
    private const int MaxRuns = 100;

    /// <summary>How long one start may take before the run fails.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(120);

    /// <summary>Between health probes while a host starts (a connection refused answers at once).</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        if (runs is < 1 or > MaxRuns) throw new ArgumentOutOfRangeException(nameof(args), runs, $"runs must be 1 to {MaxRuns}.");

        string server = Metadata("StandaloneServer");
        string worker = FunctionsWorkerOutput.Find(typeof(StartupBench).Assembly, "Patchbay.FunctionApp");
        Console.WriteLine($"startup: {runs} starts of each host, process start to the first GET /api/health 200; {Environment.ProcessorCount} cores, load average {LoadAverage()}");

        // One start of each first, unmeasured, so neither host pays for a cold disk cache the other warmed.
        await StandaloneAsync(server);
        await WorkerAsync(worker);
        var standalone = new List<double>();
        var isolated = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            standalone.Add(await StandaloneAsync(server));
            isolated.Add(await WorkerAsync(worker));
            Console.WriteLine($"  run {run + 1}: standalone {standalone[^1]:F0} ms, worker via host double {isolated[^1]:F0} ms");
        }

        Console.WriteLine($"standalone (dotnet Patchbay.Server.dll):      median {Median(standalone):F0} ms, min {standalone.Min():F0}, max {standalone.Max():F0}");
        Console.WriteLine($"isolated worker (Functions host double):      median {Median(isolated):F0} ms, min {isolated.Min():F0}, max {isolated.Max():F0}");
        Console.WriteLine($"load average after the runs: {LoadAverage()}");
        return 0;
    }

    private static async Task<double> StandaloneAsync(string serverDll)
    {
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        foreach ((string name, string value) in Settings())
        {
            start.Environment[name] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Patchbay__ApiKeys"] = "bench-key-0123456789";
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = StartBound };
            await FirstHealthyAsync(client, () => process.HasExited ? $"the standalone host exited with code {process.ExitCode}" : null);
            return clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<double> WorkerAsync(string workerDirectory)
    {
        var options = new FunctionsHostDoubleOptions { WorkerDirectory = workerDirectory, StartTimeout = StartBound };
        foreach ((string name, string value) in Settings())
        {
            options.AppSettings[name] = value;
        }

        var clock = Stopwatch.StartNew();
        await using FunctionsHostDouble host = await FunctionsHostDouble.StartAsync(options);
        using HttpClient client = host.CreateClient();
        await FirstHealthyAsync(client, () => host.WorkerExited.IsCompleted ? "the worker exited" : null);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task FirstHealthyAsync(HttpClient client, Func<string?> gone)
    {
        DateTime deadline = DateTime.UtcNow + StartBound;
        while (true)
        {
            if (gone() is { } reason) throw new InvalidOperationException(reason + " before answering GET /api/health.");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No GET /api/health 200 within {StartBound.TotalSeconds} s.");
            try
            {
                using HttpResponseMessage response = await client.GetAsync("api/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(ProbeInterval);
        }
    }

    // The same settings for both hosts; storage on a loopback port nothing listens on.
    private static IEnumerable<(string Name, string Value)> Settings()
    {
        int dead = FreePort();
        const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        yield return ("AzureWebJobsStorage", $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;");
        yield return ("Patchbay__EncryptionKeys", "k1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        yield return ("PollingSchedule", "0 0 0 1 1 *");
        yield return ("PollingQueue", "patchbay-polls");
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Metadata(string key) =>
        typeof(StartupBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The build did not record {key}; build bench/Patchbay.Benchmarks with dotnet build.");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
