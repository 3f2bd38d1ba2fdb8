using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class NewBlobsTests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private Task<IReadOnlyList<PollRecord>> PollAsync(object inputs, DateTimeOffset? lastPollTs) => Host.PollAsync("new_blobs", inputs, lastPollTs, Auth, Ct);

    private static async Task<BlobProperties> UploadAsync(BlobContainerClient container, string name, string text)
    {
        BlobClient blob = container.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromString(text), overwrite: true, Ct);
        return (await blob.GetPropertiesAsync(cancellationToken: Ct)).Value;
    }

    /// <summary>
    /// Uploads until the storage clock stamps the blob later than <paramref name="after"/>: Last-Modified has
    /// one-second resolution, and the test waits for the storage's clock to move on, not for a fixed time.
    /// </summary>
    private static async Task<BlobProperties> UploadLaterThanAsync(BlobContainerClient container, string name, string text, DateTimeOffset after)
    {
        while (true)
        {
            BlobProperties properties = await UploadAsync(container, name, text);
            if (properties.LastModified > after) return properties;
            await Task.Delay(50, Ct); // poll the storage clock; the outcome never depends on this interval
        }
    }

    [Fact]
    public async Task FirstPoll_WithoutLastPollTs_ReturnsEveryCurrentBlob()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobProperties a = await UploadAsync(container, "a.txt", "a");
        await UploadAsync(container, "b.txt", "bb");

        IReadOnlyList<PollRecord> records = await PollAsync(new { container = container.Name }, null);

        Assert.Equal(["a.txt", "b.txt"], records.Select(r => r.Data.GetProperty("name").GetString()).Order());
        PollRecord first = records.Single(r => r.Data.GetProperty("name").GetString() == "a.txt");
        Assert.Equal($"a.txt@{a.ETag.ToString().Trim('"')}", first.Key);
        Assert.Equal(container.Name, first.Data.GetProperty("container").GetString());
        Assert.Equal(1, first.Data.GetProperty("size").GetInt32());
        Assert.Equal(a.LastModified, first.Data.GetProperty("last_modified").GetDateTimeOffset());
    }

    [Fact]
    public async Task Poll_WithLastPollTs_ReturnsOnlyBlobsModifiedAfterIt()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobProperties old = await UploadAsync(container, "old.txt", "old");
        DateTimeOffset lastPoll = old.LastModified.AddMilliseconds(500);
        BlobProperties fresh = await UploadLaterThanAsync(container, "new.txt", "new", old.LastModified);

        IReadOnlyList<PollRecord> records = await PollAsync(new { container = container.Name, lookback_seconds = 0 }, lastPoll);

        Assert.Equal("new.txt", Assert.Single(records).Data.GetProperty("name").GetString());
        Assert.Empty(await PollAsync(new { container = container.Name, lookback_seconds = 0 }, fresh.LastModified));
    }

    [Fact]
    public async Task Poll_DefaultLookback_AlsoReportsBlobsJustBeforeLastPollTs()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobProperties blob = await UploadAsync(container, "skewed.txt", "x");

        // The platform's clock says the last poll ran 10 s after Azure stamped the blob: still reported.
        IReadOnlyList<PollRecord> records = await PollAsync(new { container = container.Name }, blob.LastModified.AddSeconds(10));

        Assert.Equal("skewed.txt", Assert.Single(records).Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Poll_ReuploadedBlob_IsANewRecordWithANewId()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobProperties first = await UploadAsync(container, "report.csv", "v1");
        string firstId = Assert.Single(await PollAsync(new { container = container.Name }, null)).Key;
        DateTimeOffset lastPoll = first.LastModified.AddMilliseconds(500);

        BlobProperties second = await UploadLaterThanAsync(container, "report.csv", "v2", first.LastModified);
        PollRecord record = Assert.Single(await PollAsync(new { container = container.Name, lookback_seconds = 0 }, lastPoll));

        Assert.NotEqual(firstId, record.Key);
        Assert.Equal($"report.csv@{second.ETag.ToString().Trim('"')}", record.Key);
    }

    [Fact]
    public async Task Poll_WithPrefix_ReportsOnlyMatchingBlobs()
    {
        BlobContainerClient container = await NewContainerAsync();
        await UploadAsync(container, "in/a.txt", "a");
        await UploadAsync(container, "out/b.txt", "b");

        IReadOnlyList<PollRecord> records = await PollAsync(new { container = container.Name, prefix = "in/" }, null);

        Assert.Equal("in/a.txt", Assert.Single(records).Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Poll_MissingContainer_FailsWithAnHttpErrorNamingIt()
    {
        var error = await Assert.ThrowsAsync<HttpError>(() => PollAsync(new { container = "no-such-container" }, null));

        Assert.Equal(404, error.Status);
        Assert.Contains("Container 'no-such-container' does not exist", error.Message, StringComparison.Ordinal);
    }
}
