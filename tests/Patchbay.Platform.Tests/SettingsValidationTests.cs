using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Patchbay.Platform.Tests;

/// <summary>
/// Broken <c>Patchbay__*</c> settings stop start-up with a message naming the setting: the range checks and the
/// cross-field checks (<c>PatchbayOptions.Validate</c>), run at start (<c>ValidateOnStart</c>). The host is started
/// through its real entry point (<see cref="FailedStart"/>).
/// </summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Patchbay:PollingConcurrency", "0", "PollingConcurrency")]
    [InlineData("Patchbay:MaxRequestBytes", "10", "MaxRequestBytes")]
    [InlineData("Patchbay:StorageTimeoutSeconds", "301", "StorageTimeoutSeconds")]
    [InlineData("Patchbay:OutboundProxy", "not a proxy", "Patchbay__OutboundProxy: ")]
    [InlineData("Patchbay:OAuth:AllowedRedirectUris", "/relative/only", "is not an absolute http(s) URL")]
    public async Task ABrokenSetting_StopsStartUp_NamingIt(string setting, string value, string expected)
    {
        int closed = ClosedPort();
        string storage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;";

        // Start-up (ValidateOnStart, when the host starts) fails before the host answers anything.
        Exception cause = await FailedStart.OfAsync(
            ("AzureWebJobsStorage", storage),
            ("Patchbay:ApiKeys", "settings-test-key-0123456789"),
            ("Patchbay:EncryptionKeys", PatchbayApp.EncryptionKeys),
            ("PollingSchedule", "0 0 0 1 1 *"),
            (setting, value));

        OptionsValidationException validation = Assert.IsType<OptionsValidationException>(cause);
        Assert.Contains(expected, validation.Message, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
