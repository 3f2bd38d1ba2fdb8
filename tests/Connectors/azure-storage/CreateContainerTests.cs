using System.Text.Json;
using Azure.Storage.Blobs;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

/// <summary>Issue 11 item 15: the README uploaded to a container that did not exist; create_container makes one, idempotently.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CreateContainerTests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private static string NewName() => "c" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task Item15_CreateContainer_New_CreatesItAndSaysSo()
    {
        string name = NewName();

        JsonElement data = Data(await RunAsync("create_container", new { container = name }));

        Assert.Equal(name, data.GetProperty("container").GetString());
        Assert.True(data.GetProperty("created").GetBoolean());
        Assert.Equal($"Container '{name}' was created.", data.GetProperty("message").GetString());
        Assert.True((await Blobs.GetBlobContainerClient(name).ExistsAsync(Ct)).Value);
    }

    [Fact]
    public async Task Item15_CreateContainer_Existing_IsAnOkResultSayingItExistedAndKeepsItsBlobs()
    {
        BlobContainerClient container = await NewContainerAsync();
        await container.UploadBlobAsync("keep.txt", BinaryData.FromString("kept"), Ct);

        JsonElement data = Data(await RunAsync("create_container", new { container = container.Name }));

        Assert.False(data.GetProperty("created").GetBoolean());
        Assert.Equal($"Container '{container.Name}' already exists; nothing was changed.", data.GetProperty("message").GetString());
        Assert.True((await container.GetBlobClient("keep.txt").ExistsAsync(Ct)).Value);
    }

    [Fact]
    public async Task Item15_CreateContainerThenUpload_TheReadmeFlowWorks()
    {
        string name = NewName();

        Data(await RunAsync("create_container", new { container = name }));
        JsonElement uploaded = Data(await RunAsync("upload_blob", new { container = name, name = "2025/june.csv", content = "id,total\n1,42\n", content_type = "text/csv" }));
        JsonElement listed = Data(await RunAsync("list_blobs", new { container = name }));

        Assert.Equal(14, uploaded.GetProperty("size").GetInt32());
        Assert.Equal("2025/june.csv", Assert.Single(listed.GetProperty("blobs").EnumerateArray()).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("ab")]
    [InlineData("double--hyphen")]
    public async Task Item15_CreateContainer_InvalidName_IsAValidationError(string name)
    {
        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => RunAsync("create_container", new { container = name }));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        Assert.Equal("/container", Assert.Single(error.Errors).Path);
    }
}
