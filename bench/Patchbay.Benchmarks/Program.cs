using BenchmarkDotNet.Running;
using Patchbay.Benchmarks.Polling;

// Load figures that are not micro-benchmarks run as console modes before BenchmarkDotNet.
if (args.Length > 0 && args[0] == "polling-tick")
{
    return await PollingTickBench.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "poll-dispatch")
{
    return await PollDispatchBench.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "startup")
{
    return await Patchbay.Benchmarks.Startup.StartupBench.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(PollingTickBench).Assembly).Run(args);
return 0;
