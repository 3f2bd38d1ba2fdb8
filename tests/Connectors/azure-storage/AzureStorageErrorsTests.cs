using Azure;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage.Tests;

public sealed class AzureStorageErrorsTests
{
    [Fact]
    public void RetriesExhaustedWithoutAResponse_BecomeAnUnreachableUpstream()
    {
        var exhausted = new AggregateException(new RequestFailedException("Connection refused (127.0.0.1:1)"), new RequestFailedException("Connection refused (127.0.0.1:1)"));

        Assert.True(AzureStorageErrors.IsUnreachable(exhausted));
        var error = Assert.IsType<HttpRequestException>(AzureStorageErrors.Unreachable(exhausted));
        Assert.Equal("Azure Storage could not be reached: Connection refused (127.0.0.1:1)", error.Message);
    }

    [Fact]
    public void OtherServiceErrors_BecomeHttpErrorsWithTheStatus()
    {
        var failure = new RequestFailedException(500, "boom", "InternalError", null);

        var error = Assert.IsType<HttpError>(AzureStorageErrors.ToException(failure, "box"));

        Assert.Equal(500, error.Status);
        Assert.Contains("InternalError", error.Message, StringComparison.Ordinal);
        Assert.Null(AzureStorageErrors.ToActionError(failure, "box"));
    }

    [Fact]
    public void ServerBusy_BecomesARateLimitError()
    {
        var error = AzureStorageErrors.ToException(new RequestFailedException(503, "busy", "ServerBusy", null), "box");

        Assert.IsType<RateLimitError>(error);
    }
}
