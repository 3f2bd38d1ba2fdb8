using Patchbay.Testing.Functions;

namespace Patchbay.FunctionApp.Tests.Worker;

/// <summary>A worker whose start-up validation fails is reported by the double with its exit code and output, not waited for.</summary>
public sealed class CrashingWorkerTests
{
    [Fact]
    public async Task AWorkerWithBrokenEncryptionKeys_ExitsAtStartUp_AndTheDoubleReportsTheExitWithTheWorkersOutput()
    {
        // Nothing here reaches storage: the worker validates its settings (ValidatePatchbayPlatform) before it connects
        // to the host, so a dead storage address is enough.
        FunctionsHostDoubleOptions options = WorkerApp.Options("UseDevelopmentStorage=true");
        options.AppSettings["Patchbay__EncryptionKeys"] = "k1:this-is-not-base64";

        WorkerExitedException exited = await Assert.ThrowsAsync<WorkerExitedException>(() => FunctionsHostDouble.StartAsync(options));

        Assert.NotNull(exited.ExitCode);
        Assert.NotEqual(0, exited.ExitCode);
        string output = string.Join('\n', exited.OutputTail);
        Assert.Contains("EncryptionKeys: key 'k1' is not base64", output, StringComparison.Ordinal);
        Assert.Contains("EncryptionKeys", exited.Message, StringComparison.Ordinal);
    }
}
