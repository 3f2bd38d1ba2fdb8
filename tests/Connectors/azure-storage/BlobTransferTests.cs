using System.Text.Json;
using Azure.Storage.Blobs;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BlobTransferTests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    [Fact]
    public async Task UploadThenDownload_Utf8Text_RoundTrips()
    {
        BlobContainerClient container = await NewContainerAsync();
        const string text = "Grüße, 世界 — line 1\nline 2";

        JsonElement uploaded = Data(await RunAsync("upload_blob", new { container = container.Name, name = "notes/greeting.txt", content = text }));

        Assert.Equal("notes/greeting.txt", uploaded.GetProperty("name").GetString());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), uploaded.GetProperty("size").GetInt32());
        Assert.Equal("text/plain; charset=utf-8", uploaded.GetProperty("content_type").GetString());
        var stored = (await container.GetBlobClient("notes/greeting.txt").DownloadContentAsync(Ct)).Value;
        Assert.Equal(text, stored.Content.ToString());
        Assert.Equal("text/plain; charset=utf-8", stored.Details.ContentType);
        Assert.Equal(stored.Details.ETag.ToString().Trim('"'), uploaded.GetProperty("etag").GetString());

        JsonElement downloaded = Data(await RunAsync("download_blob", new { container = container.Name, name = "notes/greeting.txt" }));

        Assert.Equal(text, downloaded.GetProperty("content").GetString());
        Assert.Equal("utf8", downloaded.GetProperty("encoding").GetString());
        Assert.Equal(uploaded.GetProperty("size").GetInt32(), downloaded.GetProperty("size").GetInt32());
        Assert.Equal(uploaded.GetProperty("etag").GetString(), downloaded.GetProperty("etag").GetString());
        Assert.Equal("text/plain; charset=utf-8", downloaded.GetProperty("content_type").GetString());
    }

    [Fact]
    public async Task UploadThenDownload_Base64Binary_RoundTripsByteForByte()
    {
        BlobContainerClient container = await NewContainerAsync();
        byte[] bytes = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x0A];

        JsonElement uploaded = Data(await RunAsync("upload_blob", new
        {
            container = container.Name, name = "image.png", content = Convert.ToBase64String(bytes), encoding = "base64", content_type = "image/png",
        }));

        Assert.Equal(bytes.Length, uploaded.GetProperty("size").GetInt32());
        var stored = (await container.GetBlobClient("image.png").DownloadContentAsync(Ct)).Value;
        Assert.Equal(bytes, stored.Content.ToArray());
        Assert.Equal("image/png", stored.Details.ContentType);

        JsonElement downloaded = Data(await RunAsync("download_blob", new { container = container.Name, name = "image.png", encoding = "base64" }));

        Assert.Equal("base64", downloaded.GetProperty("encoding").GetString());
        Assert.Equal(bytes, Convert.FromBase64String(downloaded.GetProperty("content").GetString()!));
    }

    [Fact]
    public async Task Download_BinaryAskedAsUtf8_ComesBackAsBase64AndSaysSo()
    {
        BlobContainerClient container = await NewContainerAsync();
        byte[] bytes = [0xC3, 0x28, 0xA0, 0xA1, 0x00, 0x01];
        await container.GetBlobClient("data.bin").UploadAsync(BinaryData.FromBytes(bytes), Ct);

        JsonElement downloaded = Data(await RunAsync("download_blob", new { container = container.Name, name = "data.bin", encoding = "utf8" }));

        Assert.Equal("base64", downloaded.GetProperty("encoding").GetString());
        Assert.Equal(bytes, Convert.FromBase64String(downloaded.GetProperty("content").GetString()!));
    }

    [Fact]
    public async Task Download_TextAskedAsBase64_IsBase64()
    {
        BlobContainerClient container = await NewContainerAsync();
        await container.GetBlobClient("a.txt").UploadAsync(BinaryData.FromString("abc"), Ct);

        JsonElement downloaded = Data(await RunAsync("download_blob", new { container = container.Name, name = "a.txt", encoding = "base64" }));

        Assert.Equal("base64", downloaded.GetProperty("encoding").GetString());
        Assert.Equal("YWJj", downloaded.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Download_EmptyBlob_ReturnsEmptyText()
    {
        BlobContainerClient container = await NewContainerAsync();
        await container.GetBlobClient("empty.txt").UploadAsync(BinaryData.FromBytes([]), Ct);

        JsonElement downloaded = Data(await RunAsync("download_blob", new { container = container.Name, name = "empty.txt" }));

        Assert.Equal(string.Empty, downloaded.GetProperty("content").GetString());
        Assert.Equal(0, downloaded.GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Download_LargerThanMaxBytes_IsAnActionError()
    {
        BlobContainerClient container = await NewContainerAsync();
        await container.GetBlobClient("big.txt").UploadAsync(BinaryData.FromString(new string('x', 2048)), Ct);

        string message = ErrorMessage(await RunAsync("download_blob", new { container = container.Name, name = "big.txt", max_bytes = 1024 }));

        Assert.Contains("'big.txt' is 2048 bytes, more than max_bytes (1024)", message, StringComparison.Ordinal);
        JsonElement exact = Data(await RunAsync("download_blob", new { container = container.Name, name = "big.txt", max_bytes = 2048 }));
        Assert.Equal(2048, exact.GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Upload_ExistingBlobWithoutOverwrite_IsRefusedAndLeavesItUnchanged()
    {
        BlobContainerClient container = await NewContainerAsync();
        await container.GetBlobClient("keep.txt").UploadAsync(BinaryData.FromString("original"), Ct);

        string message = ErrorMessage(await RunAsync("upload_blob", new { container = container.Name, name = "keep.txt", content = "replacement" }));

        Assert.Equal($"Blob 'keep.txt' already exists in container '{container.Name}'; pass overwrite: true to replace it.", message);
        Assert.Equal("original", (await container.GetBlobClient("keep.txt").DownloadContentAsync(Ct)).Value.Content.ToString());
    }

    [Fact]
    public async Task Upload_ExistingBlobWithOverwrite_ReplacesIt()
    {
        BlobContainerClient container = await NewContainerAsync();
        await container.GetBlobClient("replace.txt").UploadAsync(BinaryData.FromString("original"), Ct);

        Data(await RunAsync("upload_blob", new { container = container.Name, name = "replace.txt", content = "replacement", overwrite = true }));

        Assert.Equal("replacement", (await container.GetBlobClient("replace.txt").DownloadContentAsync(Ct)).Value.Content.ToString());
    }

    [Fact]
    public async Task Upload_MissingContainer_IsAnActionErrorAndCreatesNothing()
    {
        string name = "missing-" + Guid.NewGuid().ToString("N")[..12];

        string message = ErrorMessage(await RunAsync("upload_blob", new { container = name, name = "a.txt", content = "x" }));

        Assert.Equal($"Container '{name}' does not exist in this storage account.", message);
        Assert.False((await Blobs.GetBlobContainerClient(name).ExistsAsync(Ct)).Value);
    }

    [Fact]
    public async Task Upload_InvalidBase64_IsAValidationErrorOnContent()
    {
        BlobContainerClient container = await NewContainerAsync();

        var error = await Assert.ThrowsAsync<ValidationError>(() => RunAsync("upload_blob", new { container = container.Name, name = "a.bin", content = "not base64!", encoding = "base64" }));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        Assert.Equal("/content", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public async Task Download_MissingBlob_IsAnActionErrorSayingSo()
    {
        BlobContainerClient container = await NewContainerAsync();

        string message = ErrorMessage(await RunAsync("download_blob", new { container = container.Name, name = "nope.txt" }));

        Assert.Equal($"Blob 'nope.txt' does not exist in container '{container.Name}'.", message);
    }

    [Fact]
    public async Task Download_MissingContainer_IsAnActionErrorSayingSo()
    {
        string message = ErrorMessage(await RunAsync("download_blob", new { container = "no-such-container", name = "nope.txt" }));

        Assert.Equal("Container 'no-such-container' does not exist in this storage account.", message);
    }
}
