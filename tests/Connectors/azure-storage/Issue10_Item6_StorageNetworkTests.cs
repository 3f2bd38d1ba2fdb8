using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

/// <summary>
/// Issue 10, item 6 (and items 7 and 8 for this connector's transport): the Azure SDK transport goes through
/// the platform's network guard. Azurite on loopback is refused when private networks are off and reachable when on.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class Issue10_Item6_StorageNetworkTests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // The platform's production setting: Patchbay__AllowPrivateNetworks=false.
    private static ConnectorTestHost WithoutPrivateNetworks()
    {
        ConnectorTestHost host = ConnectorTestHost.FromAssembly(typeof(ListBlobs).Assembly);
        host.FetchOptions.AllowPrivateNetworks = false;
        return host;
    }

    private static object BlobEndpoint(string endpoint) =>
        new { connection_string = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint={endpoint};QueueEndpoint={endpoint};" };

    [Fact]
    public async Task Item6_AzuriteOnLoopback_IsRefusedWithoutPrivateNetworks_AndNothingIsWritten()
    {
        BlobContainerClient container = await NewContainerAsync();
        await Queues.GetQueueClient(container.Name).CreateAsync(cancellationToken: Ct);
        ConnectorTestHost host = WithoutPrivateNetworks();

        FetchBlockedException upload = await Assert.ThrowsAsync<FetchBlockedException>(() =>
            host.ExecuteActionAsync("upload_blob", new { container = container.Name, name = "secret.txt", content = "x" }, Auth, Ct));
        await Assert.ThrowsAsync<FetchBlockedException>(() => host.ExecuteActionAsync("list_blobs", new { container = container.Name }, Auth, Ct));
        await Assert.ThrowsAsync<FetchBlockedException>(() => host.ExecuteActionAsync("download_blob", new { container = container.Name, name = "secret.txt" }, Auth, Ct));
        await Assert.ThrowsAsync<FetchBlockedException>(() => host.ExecuteActionAsync("send_queue_message", new { queue = container.Name, message = "x" }, Auth, Ct));
        await Assert.ThrowsAsync<FetchBlockedException>(() => host.PollAsync("new_blobs", new { container = container.Name }, auth: Auth, cancellationToken: Ct));

        Assert.Contains("127.0.0.1 is loopback (127.0.0.0/8)", upload.Message, StringComparison.Ordinal);
        Assert.Contains("only when private networks are allowed", upload.Message, StringComparison.Ordinal);
        Assert.False((await container.GetBlobClient("secret.txt").ExistsAsync(Ct)).Value);
        Assert.Equal(0, (await Queues.GetQueueClient(container.Name).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Item6_AzuriteOnLoopback_IsReachableWithPrivateNetworks()
    {
        BlobContainerClient container = await NewContainerAsync();
        Assert.True(Host.FetchOptions.AllowPrivateNetworks);

        Data(await Host.ExecuteActionAsync("upload_blob", new { container = container.Name, name = "dev.txt", content = "local" }, Auth, Ct));

        Assert.Equal("local", (await container.GetBlobClient("dev.txt").DownloadContentAsync(Ct)).Value.Content.ToString());
    }

    [Fact]
    public async Task Item6_LoopbackStorageServer_SeesNoRequestWithoutPrivateNetworks_AndOneWithThem()
    {
        await using LoopbackServer storage = await LoopbackServer.StartAsync(app => app.Run(context =>
        {
            context.Response.StatusCode = 404;
            context.Response.Headers["x-ms-error-code"] = "ContainerNotFound";
            return Task.CompletedTask;
        }));
        object auth = BlobEndpoint(new Uri(storage.BaseAddress, "devstoreaccount1").ToString());

        await Assert.ThrowsAsync<FetchBlockedException>(() => WithoutPrivateNetworks().ExecuteActionAsync("list_blobs", new { container = "nothing" }, auth, Ct));
        Assert.Empty(storage.Requests);

        // The same endpoint with private networks allowed: the request arrives (and the 404 becomes an error result).
        IntegrationResult allowed = await Host.ExecuteActionAsync("list_blobs", new { container = "nothing" }, auth, Ct);
        Assert.Contains("does not exist", ErrorMessage(allowed), StringComparison.Ordinal);
        Assert.Single(storage.Requests);
    }

    [Theory]
    [InlineData("http://0.0.0.0:{port}/devstoreaccount1", "this network")]
    [InlineData("http://192.0.2.2:{port}/devstoreaccount1", "TEST-NET-1")]
    [InlineData("http://198.18.0.1:{port}/devstoreaccount1", "benchmarking")]
    [InlineData("http://10.0.0.5/devstoreaccount1", "private-use")]
    public async Task Item7_SpecialPurposeEndpoints_AreRefusedWithoutPrivateNetworks(string endpoint, string reason)
    {
        BlobContainerClient container = await NewContainerAsync();
        object auth = BlobEndpoint(endpoint.Replace("{port}", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() =>
            WithoutPrivateNetworks().ExecuteActionAsync("upload_blob", new { container = container.Name, name = "x.txt", content = "x" }, auth, Ct));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False((await container.GetBlobClient("x.txt").ExistsAsync(Ct)).Value);
    }

    [Theory]
    [InlineData("http://169.254.169.254/metadata", "link-local")]
    [InlineData("http://168.63.129.16/machine", "Azure WireServer")]
    [InlineData("http://100.100.100.200/latest", "Alibaba Cloud metadata")]
    public async Task Item7_MetadataEndpoints_AreRefusedEvenWithPrivateNetworks_AndNotRetried(string endpoint, string reason)
    {
        FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() =>
            Host.ExecuteActionAsync("download_blob", new { container = "metadata", name = "instance" }, BlobEndpoint(endpoint), Ct));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("never reachable", error.Message, StringComparison.Ordinal);

        // A refusal is final: the SDK's retry policy would have aggregated one failure per attempt.
        Assert.IsType<RequestFailedException>(error.InnerException);
    }

    [Theory]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/devstoreaccount1")]
    [InlineData("http://[::127.0.0.1]:{port}/devstoreaccount1")]
    [InlineData("http://[64:ff9b::7f00:1]:{port}/devstoreaccount1")]
    [InlineData("http://[2002:7f00:1::]:{port}/devstoreaccount1")]
    [InlineData("http://[::ffff:169.254.169.254]/metadata")]
    [InlineData("http://[fd00:ec2::254]/latest")]
    public async Task Item7_IPv6LiteralEndpoints_AreAnAuthErrorBeforeAnythingIsSent(string endpoint)
    {
        // The Azure SDK cannot address IPv6 literals at all (it fails building the request URI); the connector says so
        // instead of failing with a FormatException. Whatever the setting, nothing is sent.
        BlobContainerClient container = await NewContainerAsync();
        object auth = BlobEndpoint(endpoint.Replace("{port}", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() =>
            Host.ExecuteActionAsync("upload_blob", new { container = container.Name, name = "x.txt", content = "x" }, auth, Ct));
        await Assert.ThrowsAsync<ValidationError>(() => Host.ExecuteActionAsync("send_queue_message", new { queue = container.Name, message = "x" }, auth, Ct));

        Assert.Equal("/connection_string", Assert.Single(error.Errors).Path);
        Assert.Contains("IPv6", error.Errors[0].Message, StringComparison.Ordinal);
        Assert.False((await container.GetBlobClient("x.txt").ExistsAsync(Ct)).Value);
    }
}

/// <summary>Tests that set the process-wide <see cref="HttpClient.DefaultProxy"/> run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SystemProxyCollection
{
    public const string Name = "System proxy";
}

/// <summary>Issue 10, item 8, for this connector: HTTP_PROXY does not carry storage requests past the guard.</summary>
[Collection(SystemProxyCollection.Name)]
public sealed class Issue10_Item8_StorageProxyTests
{
    [Fact]
    public async Task Item8_HttpProxyFromTheEnvironment_IsNotUsedByTheStorageTransport()
    {
        await using LoopbackServer proxy = await LoopbackServer.StartAsync(app => app.Run(context => context.Response.WriteAsync("proxied")));
        IWebProxy previous = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new WebProxy(proxy.BaseAddress);
        try
        {
            // Control: a client that honours system proxies reaches the loopback "proxy" for the WireServer address.
            using (var honours = new HttpClient())
            {
                Assert.Equal("proxied", await honours.GetStringAsync("http://168.63.129.16/control"));
            }

            // With a system proxy the guard would see only the (loopback, allowed) proxy; without one it sees the target.
            ConnectorTestHost host = ConnectorTestHost.FromAssembly(typeof(ListBlobs).Assembly);
            object auth = new { connection_string = "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=a2V5;BlobEndpoint=http://168.63.129.16/acct;" };
            FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() =>
                host.ExecuteActionAsync("download_blob", new { container = "machine", name = "goalstate" }, auth));

            Assert.Contains("Azure WireServer", error.Message, StringComparison.Ordinal);
            Assert.Equal("/control", Assert.Single(proxy.Requests).PathAndQuery);
        }
        finally
        {
            HttpClient.DefaultProxy = previous;
        }
    }
}
