using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using Patchbay.Testing.Functions;

namespace Patchbay.Benchmarks.Startup;

/// <summary>
/// Start-up to the first answer (issue 15, target 2), each host against its reference in the same run: process start to
/// the first <c>GET /api/health</c> 200 of
/// <list type="bullet">
/// <item>the standalone host (src/Server) against bench/MinimalHost, an empty minimal API with that one route;</item>
/// <item>the isolated worker (src/FunctionApp) under the test Functions host double against the double's sample worker
/// (tests/Patchbay.FunctionsHostDouble.SampleWorker: the same worker SDK and ASP.NET Core integration, no Patchbay).</item>
/// </list>
/// Each of the four as built (<c>dotnet build</c>, what ran before) and as published for this machine's runtime with
/// ReadyToRun (the web hosts self-contained in one composite image, as ./run.sh publishes the standalone host; the workers
/// framework-dependent, as publish.sh and Azure run them), the eight alternating start by start, N times each after one
/// unmeasured start. Storage points at a closed loopback port: <c>/api/health</c> needs none. With
/// <c>PATCHBAY_STARTUP_BASELINE=&lt;another checkout, built with -c Release&gt;</c>, that checkout's two hosts run in the
/// same alternation (before/after in one run): as built there, and published from there as these are.
/// <c>dotnet run -c Release --project bench/Patchbay.Benchmarks -- startup [runs] [build|publish|both]</c>.
/// </summary>
internal static class StartupBench
{
    private const int MaxRuns = 100;

    /// <summary>How long one start may take before the run fails.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(120);

    /// <summary>How long one publish may take.</summary>
    private static readonly TimeSpan PublishBound = TimeSpan.FromMinutes(20);

    /// <summary>Between health probes while a host starts (a connection refused answers at once).</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(5);

    private enum Kind
    {
        Web,
        Worker,
    }

    /// <param name="Root">The checkout the host is published from: this repository, or the baseline checkout.</param>
    private sealed record Host(string Name, Kind Kind, string Project, string BuildOutput, string? Reference, string Root)
    {
        public string Directory(bool published) => published ? Path.Combine(Root, "artifacts", "startup", Path.GetFileNameWithoutExtension(Project)) : BuildOutput;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        if (runs is < 1 or > MaxRuns) throw new ArgumentOutOfRangeException(nameof(args), runs, $"runs must be 1 to {MaxRuns}.");
        string flavours = args.Length > 1 ? args[1] : "both";
        bool[] published = flavours switch
        {
            "build" => [false],
            "publish" => [true],
            "both" => [false, true],
            _ => throw new ArgumentException($"'{flavours}': give build, publish or both.", nameof(args)),
        };

        string root = RepositoryRoot();
        Assembly self = typeof(StartupBench).Assembly;
        Host[] hosts =
        [
            new("minimal ASP.NET Core app (reference)", Kind.Web, "bench/MinimalHost/MinimalHost.csproj", Path.GetDirectoryName(Metadata("StartupHost:MinimalHost"))!, null, root),
            new("standalone (Patchbay.Server)", Kind.Web, "src/Server/Patchbay.Server.csproj", Path.GetDirectoryName(Metadata("StartupHost:Patchbay.Server"))!, "minimal ASP.NET Core app (reference)", root),
            new("sample worker via host double (reference)", Kind.Worker, "tests/Patchbay.FunctionsHostDouble.SampleWorker/Patchbay.FunctionsHostDouble.SampleWorker.csproj",
                FunctionsWorkerOutput.Find(self, "Patchbay.FunctionsHostDouble.SampleWorker"), null, root),
            new("isolated worker via host double (Patchbay.FunctionApp)", Kind.Worker, "src/FunctionApp/Patchbay.FunctionApp.csproj",
                FunctionsWorkerOutput.Find(self, "Patchbay.FunctionApp"), "sample worker via host double (reference)", root),
        ];

        // A before/after comparison in one run: another checkout's two hosts as two more series, each against the same
        // reference (the references here), as built there and published from there the same way as these.
        if (Environment.GetEnvironmentVariable("PATCHBAY_STARTUP_BASELINE") is { Length: > 0 } baseline)
        {
            string baselineRoot = Path.GetFullPath(baseline);
            hosts =
            [
                .. hosts,
                new("standalone, baseline checkout", Kind.Web, "src/Server/Patchbay.Server.csproj",
                    Path.Combine(baselineRoot, "src/Server/bin/Release/net10.0"), "minimal ASP.NET Core app (reference)", baselineRoot),
                new("isolated worker, baseline checkout", Kind.Worker, "src/FunctionApp/Patchbay.FunctionApp.csproj",
                    Path.Combine(baselineRoot, "src/FunctionApp/bin/Release/net10.0"), "sample worker via host double (reference)", baselineRoot),
            ];
        }

        if (published.Contains(true))
        {
            foreach (Host host in hosts)
            {
                await PublishAsync(host);
            }
        }

        Console.WriteLine($"startup: {runs} starts each, process start to the first GET /api/health 200; {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        var series = new List<(Host Host, bool Published)>();
        foreach (bool flavour in published)
        {
            series.AddRange(hosts.Select(host => (host, flavour)));
        }

        // One start of each first, unmeasured (disk cache), then the series alternate start by start.
        foreach ((Host host, bool flavour) in series)
        {
            await StartAsync(host, host.Directory(flavour));
        }

        var times = series.ToDictionary(s => s, _ => new List<double>());
        // CPU time (user + system) of the host's process at its first answer: less moved by the machine's load than the
        // wall time. Standalone hosts only (a worker's process belongs to the double).
        var cpu = series.ToDictionary(s => s, _ => new List<double>());
        for (int run = 0; run < runs; run++)
        {
            foreach ((Host host, bool flavour) in series)
            {
                (double wall, double? cpuMs) = await StartAsync(host, host.Directory(flavour));
                times[(host, flavour)].Add(wall);
                if (cpuMs is { } used) cpu[(host, flavour)].Add(used);
            }

            Console.WriteLine($"  run {run + 1}: " + string.Join(", ", series.Select(s => $"{times[s][^1]:F0}")) + " ms");
        }

        foreach (bool flavour in published)
        {
            Console.WriteLine();
            Console.WriteLine(flavour
                ? "published (dotnet publish --use-current-runtime -p:PublishReadyToRun=true; the web hosts self-contained with -p:PublishReadyToRunComposite=true, as ./run.sh does; the workers framework-dependent, as publish.sh does):"
                : "as built (dotnet build -c Release output):");
            Console.WriteLine($"| host | median | min | max | median / its reference's | CPU at first answer, median | CPU / its reference's |");
            Console.WriteLine($"| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (Host host in hosts.Where(host => times.ContainsKey((host, flavour))))
            {
                List<double> mine = times[(host, flavour)];
                Host? referenceHost = host.Reference is { } reference ? hosts.Single(h => h.Name == reference) : null;
                string ratio = referenceHost is not null ? $"{Median(mine) / Median(times[(referenceHost, flavour)]):F2}" : "1.00";
                List<double> myCpu = cpu[(host, flavour)];
                string cpuMedian = myCpu.Count > 0 ? $"{Median(myCpu):F0} ms" : "n/a";
                string cpuRatio = myCpu.Count == 0 ? "n/a" : referenceHost is null ? "1.00" : $"{Median(myCpu) / Median(cpu[(referenceHost, flavour)]):F2}";
                Console.WriteLine($"| {host.Name} | {Median(mine):F0} ms | {mine.Min():F0} | {mine.Max():F0} | {ratio} | {cpuMedian} | {cpuRatio} |");
            }

            // Before/after: each host here against the same host of the baseline checkout, same flavour, same run.
            foreach (Host after in hosts.Where(h => h.Root == root && h.Reference is not null))
            {
                if (hosts.FirstOrDefault(h => h.Root != root && h.Project == after.Project) is { } before && times.ContainsKey((before, flavour)))
                {
                    string cpuRatio = cpu[(after, flavour)].Count > 0 ? $", CPU {Median(cpu[(after, flavour)]) / Median(cpu[(before, flavour)]):F2}" : "";
                    Console.WriteLine($"{after.Name}: after / before {Median(times[(after, flavour)]) / Median(times[(before, flavour)]):F2}{cpuRatio}");
                }
            }
        }

        Console.WriteLine($"load average after the runs: {LoadAverage()}");
        return 0;
    }

    private static Task<(double WallMs, double? CpuMs)> StartAsync(Host host, string directory) =>
        host.Kind == Kind.Web ? WebAsync(Path.Combine(directory, Path.GetFileNameWithoutExtension(host.Project) + ".dll")) : WorkerAsync(directory);

    private static async Task PublishAsync(Host host)
    {
        string output = host.Directory(published: true);
        // A fresh folder: a framework-dependent publish over an earlier self-contained one would keep that one's runtime
        // files, and the worker then aborts at start (exit code 134).
        if (System.IO.Directory.Exists(output)) System.IO.Directory.Delete(output, recursive: true);
        Console.WriteLine($"publishing {host.Project} of {host.Root} to {Path.GetRelativePath(host.Root, output)} (ReadyToRun) ...");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = host.Root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // Web hosts as ./run.sh publishes the standalone host: self-contained, the framework and the app precompiled into one
        // composite ReadyToRun image; the worker framework-dependent, as publish.sh publishes it for the Functions host.
        string[] runtime = host.Kind == Kind.Web ? ["--self-contained", "true", "-p:PublishReadyToRunComposite=true"] : ["--self-contained", "false"];
        foreach (string argument in (string[])["publish", host.Project, "-c", "Release", "--use-current-runtime", .. runtime,
                     "-p:PublishReadyToRun=true", "-o", output, "-nologo", "-v:q"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishBound);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {host.Project} failed with exit code {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static async Task<(double WallMs, double? CpuMs)> WebAsync(string dll)
    {
        int port = FreePort();
        // Self-contained (published): the apphost beside the dll, which carries its own runtime; otherwise `dotnet <dll>`.
        string apphost = Path.ChangeExtension(dll, null);
        bool selfContained = File.Exists(apphost) && File.Exists(Path.Combine(Path.GetDirectoryName(dll)!, "libcoreclr.so"));
        var start = new ProcessStartInfo(selfContained ? apphost : "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!selfContained) start.ArgumentList.Add(dll);
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
            await FirstHealthyAsync(client, () => process.HasExited ? $"{Path.GetFileName(dll)} exited with code {process.ExitCode}" : null);
            double wall = clock.Elapsed.TotalMilliseconds;
            return (wall, CpuMilliseconds(process));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<(double WallMs, double? CpuMs)> WorkerAsync(string workerDirectory)
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
        return (clock.Elapsed.TotalMilliseconds, null);
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

    // The same settings for every host; storage on a loopback port nothing listens on.
    private static IEnumerable<(string Name, string Value)> Settings()
    {
        int dead = FreePort();
        const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        string storage = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;";
        yield return ("AzureWebJobsStorage", storage);
        yield return ("Patchbay__EncryptionKeys", "k1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        yield return ("PollingSchedule", "0 0 0 1 1 *");
        yield return ("PollingQueue", "patchbay-polls");
        // The sample worker's timer reads %Schedule%, its queue trigger %SampleQueue% on the connection SampleStorage
        // (both workers' queue triggers are polled by the double on the same dead port, like their storage).
        yield return ("Schedule", "0 0 0 1 1 *");
        yield return ("SampleQueue", "sample-queue");
        yield return ("SampleStorage", storage);
    }

    // The process's user + system time so far (Process.TotalProcessorTime reads /proc/<pid>/stat on Linux).
    private static double? CpuMilliseconds(Process process)
    {
        try
        {
            return process.TotalProcessorTime.TotalMilliseconds;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Patchbay.slnx"))) return directory.FullName;
        }

        throw new InvalidOperationException($"No Patchbay.slnx above {AppContext.BaseDirectory}; run the bench from its build in the repository.");
    }

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
