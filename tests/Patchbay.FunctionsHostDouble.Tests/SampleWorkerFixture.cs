
namespace Patchbay.Testing.Functions.Tests;

/// <summary>
/// The sample worker's test classes share one started worker (starting one takes a second or more on a loaded
/// machine); as one collection they also run one after the other, which keeps the number of workers running at once low.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SampleWorkerCollection : ICollectionFixture<SampleWorkerFixture>
{
    public const string Name = "Sample worker";
}

/// <summary>One started sample worker.</summary>
public sealed class SampleWorkerFixture : IAsyncLifetime
{
    public const string Schedule = "0 */5 * * * *";

    private FunctionsHostDouble? _host;

    public FunctionsHostDouble Host => _host ?? throw new InvalidOperationException("The fixture did not start.");

    public static FunctionsHostDoubleOptions Options()
    {
        var options = new FunctionsHostDoubleOptions { WorkerDirectory = SampleWorker.OutputDirectory };
        options.AppSettings["Schedule"] = Schedule;
        options.AppSettings["SampleSetting"] = "from-app-settings";
        return options;
    }

    public async Task InitializeAsync() => _host = await FunctionsHostDouble.StartAsync(Options());

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

internal static class SampleWorker
{
    public static string OutputDirectory { get; } =
        FunctionsWorkerOutput.Find(typeof(SampleWorker).Assembly, "Patchbay.FunctionsHostDouble.SampleWorker");
}
