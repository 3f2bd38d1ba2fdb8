using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

/// <summary>Bad inputs and credentials are refused before any request, with the path of each problem.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class InputValidationTests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private static void AssertNames(ValidationError error, ValidationTarget target, string field)
    {
        Assert.Equal(target, error.Target);
        Assert.Contains(error.Errors, e => e.Path == "/" + field || e.Message.Contains(field, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListBlobs_WithoutContainer_IsAValidationError()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => RunAsync("list_blobs", new { prefix = "x" }));

        AssertNames(error, ValidationTarget.Inputs, "container");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5001)]
    public async Task ListBlobs_MaxResultsOutOfRange_IsAValidationError(int maxResults)
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => RunAsync("list_blobs", new { container = "abc", max_results = maxResults }));

        Assert.Equal("/max_results", Assert.Single(error.Errors).Path);
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("ab")]
    [InlineData("double--hyphen")]
    [InlineData("-leading")]
    public async Task InvalidContainerName_IsAValidationError(string container)
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => RunAsync("download_blob", new { container, name = "a.txt" }));

        Assert.Equal("/container", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public async Task UnknownEncoding_IsAValidationError()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => RunAsync("upload_blob", new { container = "abc", name = "a", content = "x", encoding = "utf16" }));

        Assert.Equal("/encoding", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public async Task UploadWithoutNameOrContent_ListsBothProblems()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => RunAsync("upload_blob", new { container = "abc" }));

        AssertNames(error, ValidationTarget.Inputs, "name");
        AssertNames(error, ValidationTarget.Inputs, "content");
    }

    [Fact]
    public async Task QueueMessage_ZeroTimeToLive_IsAValidationError()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => RunAsync("send_queue_message", new { queue = "abc", message = "x", time_to_live_seconds = 0 }));

        Assert.Contains(error.Errors, e => e.Path == "/time_to_live_seconds");
    }

    [Fact]
    public async Task NewBlobs_WithoutContainer_IsAValidationError()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => Host.PollAsync("new_blobs", new { prefix = "x" }, null, Auth, Ct));

        AssertNames(error, ValidationTarget.Inputs, "container");
    }

    [Fact]
    public async Task Auth_WithBothConnectionStringAndAccountUrl_IsAnAuthValidationError()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => Host.ExecuteActionAsync("list_blobs", new { container = "abc" },
            new { connection_string = "UseDevelopmentStorage=true", account_url = "https://myaccount.blob.core.windows.net" }, Ct));

        Assert.Equal(ValidationTarget.Auth, error.Target);
    }

    [Fact]
    public async Task Auth_WithNeitherConnectionStringNorAccountUrl_IsAnAuthValidationError()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => Host.ExecuteActionAsync("list_blobs", new { container = "abc" }, new { }, Ct));

        Assert.Equal(ValidationTarget.Auth, error.Target);
    }

    [Fact]
    public async Task Auth_AccountUrlOutsideAzure_IsAnAuthValidationErrorOnAccountUrl()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => Host.ExecuteActionAsync("list_blobs", new { container = "abc" },
            new { account_url = "https://collector.example.com" }, Ct));

        Assert.Equal(ValidationTarget.Auth, error.Target);
        Assert.Contains(error.Errors, e => e.Path == "/account_url");
    }

    [Fact]
    public async Task Auth_UnknownField_IsAnAuthValidationError()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() => Host.ExecuteActionAsync("list_blobs", new { container = "abc" },
            new { connection_string = "UseDevelopmentStorage=true", account_key = "x" }, Ct));

        Assert.Equal(ValidationTarget.Auth, error.Target);
    }
}
