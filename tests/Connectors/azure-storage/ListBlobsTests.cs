using System.Text.Json;
using Azure.Storage.Blobs;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ListBlobsTests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private readonly AzuriteFixture _azurite = azurite;

    [Fact]
    public async Task ListBlobs_ReturnsNameSizeContentTypeLastModifiedAndEtag()
    {
        BlobContainerClient container = await NewContainerAsync();
        await container.GetBlobClient("hello.txt").UploadAsync(BinaryData.FromString("hello"), Ct);

        JsonElement data = Data(await RunAsync("list_blobs", new { container = container.Name }));

        Assert.Equal(container.Name, data.GetProperty("container").GetString());
        Assert.Equal(1, data.GetProperty("count").GetInt32());
        JsonElement blob = Assert.Single(data.GetProperty("blobs").EnumerateArray());
        Assert.Equal("hello.txt", blob.GetProperty("name").GetString());
        Assert.Equal(5, blob.GetProperty("size").GetInt64());
        Assert.Equal("application/octet-stream", blob.GetProperty("content_type").GetString());
        var properties = (await container.GetBlobClient("hello.txt").GetPropertiesAsync(cancellationToken: Ct)).Value;
        Assert.Equal(properties.LastModified, blob.GetProperty("last_modified").GetDateTimeOffset());
        Assert.Equal(properties.ETag.ToString().Trim('"'), blob.GetProperty("etag").GetString());
        Assert.False(data.TryGetProperty("continuation_token", out _), "a single page has no continuation token");
    }

    [Fact]
    public async Task ListBlobs_PagesWithMaxResultsAndContinuationToken()
    {
        BlobContainerClient container = await NewContainerAsync();
        for (int i = 0; i < 5; i++) await container.GetBlobClient($"file-{i}.txt").UploadAsync(BinaryData.FromString($"{i}"), Ct);

        var names = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            JsonElement data = Data(await RunAsync("list_blobs", token is null
                ? new { container = container.Name, max_results = 2 }
                : (object)new { container = container.Name, max_results = 2, continuation_token = token }));
            pages++;
            Assert.True(data.GetProperty("count").GetInt32() <= 2);
            names.AddRange(data.GetProperty("blobs").EnumerateArray().Select(b => b.GetProperty("name").GetString()!));
            token = data.TryGetProperty("continuation_token", out JsonElement next) ? next.GetString() : null;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(["file-0.txt", "file-1.txt", "file-2.txt", "file-3.txt", "file-4.txt"], names);
    }

    [Fact]
    public async Task ListBlobs_FiltersByPrefix()
    {
        BlobContainerClient container = await NewContainerAsync();
        await container.GetBlobClient("reports/a.csv").UploadAsync(BinaryData.FromString("a"), Ct);
        await container.GetBlobClient("reports/b.csv").UploadAsync(BinaryData.FromString("b"), Ct);
        await container.GetBlobClient("images/c.png").UploadAsync(BinaryData.FromBytes([1, 2, 3]), Ct);

        JsonElement data = Data(await RunAsync("list_blobs", new { container = container.Name, prefix = "reports/" }));

        Assert.Equal(["reports/a.csv", "reports/b.csv"], data.GetProperty("blobs").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task ListBlobs_EmptyContainer_ReturnsNoBlobs()
    {
        BlobContainerClient container = await NewContainerAsync();

        JsonElement data = Data(await RunAsync("list_blobs", new { container = container.Name }));

        Assert.Equal(0, data.GetProperty("count").GetInt32());
        Assert.Empty(data.GetProperty("blobs").EnumerateArray());
    }

    [Fact]
    public async Task ListBlobs_MissingContainer_IsAnActionErrorSayingSo()
    {
        string message = ErrorMessage(await RunAsync("list_blobs", new { container = "no-such-container" }));

        Assert.Equal("Container 'no-such-container' does not exist in this storage account.", message);
    }

    [Fact]
    public async Task ListBlobs_WrongAccountKey_IsAnActionErrorSayingTheCredentialsWereNotAccepted()
    {
        BlobContainerClient container = await NewContainerAsync();
        string wrongKey = System.Text.RegularExpressions.Regex.Replace(_azurite.ConnectionString, "AccountKey=[^;]+", "AccountKey=" + Convert.ToBase64String(new byte[64]));

        var result = await Host.ExecuteActionAsync("list_blobs", new { container = container.Name }, new { connection_string = wrongKey }, Ct);

        string message = ErrorMessage(result);
        Assert.StartsWith($"Azure Storage did not accept the credentials for container '{container.Name}' (403 AuthorizationFailure): check the account key", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(new byte[64]), result.ToJson(), StringComparison.Ordinal);
    }
}
