using System.Text.Json;
using Azure.Identity;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage.Tests;

/// <summary>Credential selection and endpoints, without touching the network.</summary>
public sealed class AzureStorageAccountTests
{
    private static AzureStorageAccount Account(object credentials) =>
        AzureStorageAccount.FromAuth(ConnectorAuth.Create(AuthTypes.Custom, JsonSerializer.SerializeToElement(credentials)));

    [Fact]
    public void AccountUrl_UsesDefaultAzureCredentialAndDerivesTheQueueEndpoint()
    {
        AzureStorageAccount account = Account(new { account_url = "https://myaccount.blob.core.windows.net" });

        Assert.Null(account.ConnectionString);
        Assert.IsType<DefaultAzureCredential>(account.Credential);
        Assert.Equal(new Uri("https://myaccount.blob.core.windows.net/"), account.CreateBlobServiceClient().Uri);
        Assert.Equal(new Uri("https://myaccount.queue.core.windows.net/"), account.CreateQueueServiceClient().Uri);
        Assert.Equal("myaccount", account.CreateBlobServiceClient().AccountName);
        Assert.Same(account.Credential, Account(new { account_url = "https://other.blob.core.windows.net/" }).Credential);
    }

    [Fact]
    public void AccountUrl_WithManagedIdentityClientId_UsesThatManagedIdentity()
    {
        AzureStorageAccount account = Account(new { account_url = "https://myaccount.blob.core.windows.net", managed_identity_client_id = "00000000-1111-2222-3333-444444444444" });

        Assert.IsType<ManagedIdentityCredential>(account.Credential);
        Assert.Equal("00000000-1111-2222-3333-444444444444", account.ManagedIdentityClientId);
        Assert.NotSame(account.Credential, Account(new { account_url = "https://myaccount.blob.core.windows.net" }).Credential);
    }

    [Fact]
    public void AccountUrl_WithExplicitQueueUrl_UsesIt()
    {
        AzureStorageAccount account = Account(new { account_url = "https://myaccount.blob.core.windows.net", queue_account_url = "https://queues2.queue.core.windows.net" });

        Assert.Equal(new Uri("https://queues2.queue.core.windows.net/"), account.CreateQueueServiceClient().Uri);
    }

    [Theory]
    [InlineData("https://myaccount.z12.blob.storage.azure.net", "https://myaccount.z12.queue.storage.azure.net/")]
    [InlineData("https://gov1.blob.core.usgovcloudapi.net/", "https://gov1.queue.core.usgovcloudapi.net/")]
    [InlineData("https://blob.blob.core.windows.net", "https://blob.queue.core.windows.net/")]
    public void AccountUrl_SovereignAndDnsZoneEndpoints_DeriveTheQueueEndpoint(string accountUrl, string queueUrl)
    {
        Assert.Equal(new Uri(queueUrl), Account(new { account_url = accountUrl }).QueueServiceUri);
    }

    [Theory]
    [InlineData("http://myaccount.blob.core.windows.net")]
    [InlineData("https://evil.example.com")]
    [InlineData("https://myaccount.blob.core.windows.net.evil.example.com")]
    [InlineData("https://myaccount.queue.core.windows.net")]
    [InlineData("https://myaccount.blob.core.windows.net:8443")]
    [InlineData("https://myaccount.blob.core.windows.net/container?sig=x")]
    [InlineData("not a url")]
    public void AccountUrl_ThatIsNotAnAzureBlobEndpoint_IsRefused(string accountUrl)
    {
        // Entra ID auth sends the platform's token to this URL; it must not go anywhere else.
        var error = Assert.Throws<ValidationError>(() => Account(new { account_url = accountUrl }));

        Assert.Equal(ValidationTarget.Auth, error.Target);
        Assert.Equal("/account_url", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void ConnectionString_UsesSharedKeyAndItsEndpoints()
    {
        AzureStorageAccount account = Account(new { connection_string = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net" });

        Assert.Null(account.Credential);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net/"), account.CreateBlobServiceClient().Uri);
        Assert.Equal(new Uri("https://acct.queue.core.windows.net/"), account.CreateQueueServiceClient().Uri);
        Assert.DoesNotContain("a2V5", account.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BothConnectionStringAndAccountUrl_AreRefused()
    {
        var error = Assert.Throws<ValidationError>(() => Account(new { connection_string = "UseDevelopmentStorage=true", account_url = "https://myaccount.blob.core.windows.net" }));

        Assert.Equal(ValidationTarget.Auth, error.Target);
        Assert.Contains("not both", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NeitherConnectionStringNorAccountUrl_IsRefused()
    {
        var error = Assert.Throws<ValidationError>(() => Account(new { managed_identity_client_id = "00000000-1111-2222-3333-444444444444" }));

        Assert.Equal(ValidationTarget.Auth, error.Target);
        Assert.Contains("connection_string", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinkLocalAddresses_AreRefusedByTheTransport()
    {
        Assert.True(StorageNetwork.IsRefused(System.Net.IPAddress.Parse("169.254.169.254")));
        Assert.True(StorageNetwork.IsRefused(System.Net.IPAddress.Parse("fe80::1")));
        Assert.True(StorageNetwork.IsRefused(System.Net.IPAddress.Parse("::ffff:169.254.169.254")));
        Assert.False(StorageNetwork.IsRefused(System.Net.IPAddress.Parse("127.0.0.1")));
        Assert.False(StorageNetwork.IsRefused(System.Net.IPAddress.Parse("20.60.1.1")));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class StorageNetworkTests(Patchbay.Testing.AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    [Fact]
    public async Task ConnectionStringPointingAtLinkLocal_NeverConnects()
    {
        // 169.254.169.254 is the cloud metadata service; a caller's connection string must not reach it.
        object auth = new { connection_string = "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=a2V5;BlobEndpoint=http://169.254.169.254/acct;" };

        var error = await Assert.ThrowsAsync<FetchBlockedException>(() => Host.ExecuteActionAsync("download_blob", new { container = "metadata", name = "instance" }, auth, Ct));

        Assert.Contains("link-local", error.Message, StringComparison.Ordinal);
        // A refusal is final: the Azure SDK throws the one attempt's failure, where retries would aggregate every attempt's.
        Assert.IsType<Azure.RequestFailedException>(error.InnerException);
    }
}
