using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>
/// Issue 10, item 7 for webhooks: destinations in special-purpose ranges are refused when a subscription is
/// created and again when a delivery is sent, and a refused delivery reaches nothing on this machine.
/// </summary>
public class Issue10_Item7_WebhookGuardTests
{
    public static TheoryData<string> SpecialPurposeWebhooks => new()
    {
        // The issue's five, then their siblings.
        "http://192.0.2.2/hook",
        "http://198.18.0.1/hook",
        "http://[::127.0.0.1]/hook",
        "http://[64:ff9b::7f00:1]/hook",
        "http://[2002:7f00:1::]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://203.0.113.9/hook",
        "http://224.0.0.1/hook",
        "http://[fd00::2]/hook",
        "http://[2001:db8::1]/hook",
    };

    [Theory]
    [MemberData(nameof(SpecialPurposeWebhooks))]
    public void Item7_SpecialPurposeWebhook_IsRefusedAtCreate(string url)
    {
        ApiProblem problem = Assert.Throws<ApiProblem>(() => SubscriptionsApi.CheckWebhookUrl(url, allowPrivateNetworks: false));

        FieldError error = Assert.Single(problem.Errors!);
        Assert.Equal("/destination/url", error.Path);
        Assert.StartsWith("must not point at ", error.Message, StringComparison.Ordinal);
        Assert.Equal(url, SubscriptionsApi.CheckWebhookUrl(url, allowPrivateNetworks: true));
    }

    [Theory]
    [InlineData("http://168.63.129.16/hook", "Azure WireServer")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/hook", "link-local")]
    [InlineData("http://[2002:a9fe:a9fe::]/hook", "link-local")]
    [InlineData("http://[fd00:ec2::254]/hook", "AWS metadata")]
    [InlineData("http://100.100.100.200/hook", "Alibaba Cloud metadata")]
    public void Item7_MetadataWebhook_IsRefusedAtCreateEvenWithPrivateNetworks(string url, string reason)
    {
        ApiProblem problem = Assert.Throws<ApiProblem>(() => SubscriptionsApi.CheckWebhookUrl(url, allowPrivateNetworks: true));

        Assert.Contains(reason, Assert.Single(problem.Errors!).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item7_DeliveryToSpecialPurposeAddresses_IsRefusedAtSend_AndReachesNothingOnThisMachine()
    {
        // The listener answers on every address of this machine, so a delivery that slipped through to
        // 192.0.2.2 (a test VM's own address), 0.0.0.0 or an IPv4-mapped loopback would be counted.
        await using EveryAddressListener listener = await EveryAddressListener.StartAsync();
        string[] urls =
        [
            .. ((IEnumerable<object[]>)SpecialPurposeWebhooks).Select(row => WithPort((string)row[0], listener.Port)),
            $"http://127.0.0.1:{listener.Port}/hook",
            $"http://localhost:{listener.Port}/hook",
            $"http://[::ffff:127.0.0.1]:{listener.Port}/hook",
            $"http://[::1]:{listener.Port}/hook",
        ];
        using DeliverySender sender = Sender(new PatchbayOptions { AllowPrivateNetworks = false });

        foreach (string url in urls)
        {
            DeliveryResult result = await DeliverAsync(sender, url);

            Assert.False(result.Success, url);
            Assert.StartsWith("The webhook address is not allowed: Requests to ", result.Error, StringComparison.Ordinal);
        }

        Assert.Equal(0, listener.Connections);

        // Control: with private networks allowed the same listener takes the delivery.
        using DeliverySender allowed = Sender(new PatchbayOptions { AllowPrivateNetworks = true });
        Assert.True((await DeliverAsync(allowed, $"http://127.0.0.1:{listener.Port}/hook")).Success);
        Assert.Equal(1, listener.Connections);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://168.63.129.16/machine")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest")]
    public async Task Item7_DeliveryToMetadata_IsRefusedEvenWithPrivateNetworks(string url)
    {
        using DeliverySender sender = Sender(new PatchbayOptions { AllowPrivateNetworks = true });

        DeliveryResult result = await DeliverAsync(sender, url);

        Assert.False(result.Success);
        Assert.Contains("never reachable", result.Error, StringComparison.Ordinal);
    }

    internal static DeliverySender Sender(PatchbayOptions options) => new(
        new StorageClients(new TableServiceClient("UseDevelopmentStorage=true"), new QueueServiceClient("UseDevelopmentStorage=true")),
        Options.Create(options),
        TimeProvider.System);

    internal static Task<DeliveryResult> DeliverAsync(DeliverySender sender, string url) => sender.DeliverAsync(
        new SubscriptionDestination { Type = SubscriptionDestination.Webhook, Url = url },
        () => "signing-secret",
        "evt_1",
        Encoding.UTF8.GetBytes("""{"id":"evt_1"}"""),
        CancellationToken.None);

    private static string WithPort(string url, int port) => new UriBuilder(url) { Port = port }.Uri.ToString();
}

/// <summary>Tests that set the process-wide <see cref="HttpClient.DefaultProxy"/> run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SystemProxyCollection
{
    public const string Name = "System proxy";
}

/// <summary>
/// Issue 10, item 8 for webhooks: HTTP_PROXY is never used (the guard would check the proxy instead of the
/// webhook); <c>Patchbay__OutboundProxy</c> is, after the webhook's own address passed the guard.
/// </summary>
[Collection(SystemProxyCollection.Name)]
public class Issue10_Item8_DeliveryProxyTests
{
    [Fact]
    public async Task Item8_HttpProxyFromTheEnvironment_IsNotUsedForWebhooks()
    {
        await using EveryAddressListener proxy = await EveryAddressListener.StartAsync();
        IWebProxy previous = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new WebProxy(new Uri($"http://127.0.0.1:{proxy.Port}"));
        try
        {
            // Control: a client that honours system proxies reaches the loopback "proxy" for a host nobody can resolve.
            using (var honours = new HttpClient())
            {
                Assert.Equal("reached webhook.invalid", await honours.GetStringAsync("http://webhook.invalid/control"));
            }

            using DeliverySender sender = Issue10_Item7_WebhookGuardTests.Sender(new PatchbayOptions { AllowPrivateNetworks = true });
            DeliveryResult result = await Issue10_Item7_WebhookGuardTests.DeliverAsync(sender, "http://webhook.invalid/hook");

            Assert.False(result.Success);
            Assert.Contains("could not be reached", result.Error, StringComparison.Ordinal);
            Assert.Equal(new[] { "GET http://webhook.invalid/control" }, proxy.Requests);
        }
        finally
        {
            HttpClient.DefaultProxy = previous;
        }
    }

    [Fact]
    public async Task Item8_OutboundProxy_CarriesTheDelivery_OnlyAfterTheWebhookPassedTheGuard()
    {
        await using EveryAddressListener proxy = await EveryAddressListener.StartAsync();
        string proxyUrl = $"http://127.0.0.1:{proxy.Port}";

        using (DeliverySender strict = Issue10_Item7_WebhookGuardTests.Sender(new PatchbayOptions { AllowPrivateNetworks = false, OutboundProxy = proxyUrl }))
        {
            foreach (string url in new[] { "http://192.0.2.2/hook", "http://localhost:8080/hook", "http://[64:ff9b::7f00:1]/hook", "http://169.254.169.254/hook" })
            {
                DeliveryResult refused = await Issue10_Item7_WebhookGuardTests.DeliverAsync(strict, url);
                Assert.False(refused.Success, url);
                Assert.StartsWith("The webhook address is not allowed", refused.Error, StringComparison.Ordinal);
            }
        }

        Assert.Equal(0, proxy.Connections);

        // With private networks allowed, a loopback webhook passes the guard and goes through the proxy.
        using DeliverySender allowed = Issue10_Item7_WebhookGuardTests.Sender(new PatchbayOptions { AllowPrivateNetworks = true, OutboundProxy = proxyUrl });
        Assert.True((await Issue10_Item7_WebhookGuardTests.DeliverAsync(allowed, "http://127.0.0.1:1/hook")).Success);
        Assert.Equal(new[] { "POST http://127.0.0.1:1/hook" }, proxy.Requests);
    }

    [Theory]
    [InlineData("ftp://proxy.internal:21")]
    [InlineData("http://user:secret@proxy.internal:3128")]
    [InlineData("proxy.internal:3128")]
    [InlineData("http://proxy.internal:3128/path")]
    public void Item8_OutboundProxySetting_ThatCannotBeUsed_FailsValidationNamingTheSetting(string value)
    {
        var options = new PatchbayOptions { OutboundProxy = value };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));

        Assert.Contains(SettingNames.OutboundProxy, Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("http://proxy.internal:3128")]
    public void Item8_OutboundProxySetting_EmptyOrAProxyUrl_IsValid(string? value)
    {
        var options = new PatchbayOptions { OutboundProxy = value };

        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
        Assert.Equal(string.IsNullOrEmpty(value) ? null : new Uri(value), options.CreateNetworkGuard().Proxy);
    }
}
