
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

    /// <summary>The queue the sample's Work function reads (app setting SampleQueue).</summary>
    public const string Queue = "sample-work";

    /// <summary>
    /// Storage nobody listens on, for the tests that do not use the queue trigger: its listener finds the storage
    /// unreachable and keeps backing off, as the host's does (QueueFunctionTests give it a real Azurite).
    /// </summary>
    public const string UnreachableStorage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    private FunctionsHostDouble? _host;

    public FunctionsHostDouble Host => _host ?? throw new InvalidOperationException("The fixture did not start.");

    public static FunctionsHostDoubleOptions Options()
    {
        var options = new FunctionsHostDoubleOptions { WorkerDirectory = SampleWorker.OutputDirectory };
        options.AppSettings["Schedule"] = Schedule;
        options.AppSettings["SampleSetting"] = "from-app-settings";
        options.AppSettings["SampleQueue"] = Queue;
        options.AppSettings["SampleStorage"] = UnreachableStorage;
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
