using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests.Storage;

/// <summary>
/// The real app on Kestrel with its own Azurite, which a test may stop or freeze (SIGSTOP) without disturbing any
/// other test; storage calls are bounded by a small <c>Patchbay__StorageTimeoutSeconds</c>.
/// </summary>
public sealed class StorageFaultApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "storage-fault-key-0123456789";
    public const int StorageTimeoutSeconds = 5;

    /// <summary>Only the test's own hang guard: far above the bound, so it never decides a pass.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static readonly string EncryptionKeys = "k1:" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public AzuriteFixture Azurite { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        UseKestrel(); // the address from "urls" in ConfigureWebHost: UseKestrel(0) races the bind (dotnet/aspnetcore#67714)
        StartServer();
        Client = CreateClient();
        Client.Timeout = HangGuard;
        Client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public HttpClient CreateAnonymousClient()
    {
        HttpClient client = CreateClient();
        client.Timeout = HangGuard;
        return client;
    }

    /// <summary>Waits until <c>/api/health/ready</c> answers 200 (storage answers again), for at most <see cref="HangGuard"/>.</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        HttpClient anonymous = CreateAnonymousClient();
        while ((await anonymous.GetAsync("/api/health/ready", guard.Token)).StatusCode != System.Net.HttpStatusCode.OK)
        {
            // A busy machine may need more than one bound to serve a thawed or new Azurite; each answer is the event waited for.
        }
    }

    /// <summary>Sends SIGSTOP (<paramref name="frozen"/>) or SIGCONT to this app's own Azurite.</summary>
    public void Freeze(bool frozen)
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { frozen ? "-STOP" : "-CONT", Azurite.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("AzureWebJobsStorage", Azurite.ConnectionString);
        builder.UseSetting("Patchbay:ApiKeys", ApiKey);
        builder.UseSetting("Patchbay:EncryptionKeys", EncryptionKeys);
        builder.UseSetting("Patchbay:AllowPrivateNetworks", "true");
        builder.UseSetting("Patchbay:StorageTimeoutSeconds", StorageTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
    }
}
