using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Patchbay.Platform.Tests;

/// <summary>
/// Broken <c>Patchbay__*</c> settings stop start-up with a message naming the setting: the range checks and the
/// cross-field checks (<c>PatchbayOptions.Validate</c>), run at start (<c>ValidateOnStart</c>).
/// </summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Patchbay:PollingConcurrency", "0", "PollingConcurrency")]
    [InlineData("Patchbay:MaxRequestBytes", "10", "MaxRequestBytes")]
    [InlineData("Patchbay:StorageTimeoutSeconds", "301", "StorageTimeoutSeconds")]
    [InlineData("Patchbay:OutboundProxy", "not a proxy", "Patchbay__OutboundProxy: ")]
    [InlineData("Patchbay:OAuth:AllowedRedirectUris", "/relative/only", "is not an absolute http(s) URL")]
    public void ABrokenSetting_StopsStartUp_NamingIt(string setting, string value, string expected)
    {
        using var app = new BrokenSettingsApp(setting, value);

        // Start-up (ValidateOnStart) fails before the host answers anything.
        Exception thrown = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        OptionsValidationException validation = Assert.IsType<OptionsValidationException>(Unwrap(thrown));
        Assert.Contains(expected, validation.Message, StringComparison.Ordinal);
    }

    private static Exception Unwrap(Exception exception) => exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;

    private sealed class BrokenSettingsApp(string setting, string value) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            int closed = ClosedPort();
            builder.UseSetting("AzureWebJobsStorage", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;");
            builder.UseSetting("Patchbay:ApiKeys", "settings-test-key-0123456789");
            builder.UseSetting("Patchbay:EncryptionKeys", PatchbayApp.EncryptionKeys);
            builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
            builder.UseSetting(setting, value);
        }

        private static int ClosedPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
