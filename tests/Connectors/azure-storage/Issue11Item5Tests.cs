using System.Text;
using System.Text.Json;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

/// <summary>
/// Issue 11 item 5: a malformed connection string answered 500 on actions and polls (and was stored as ACTIVE), an
/// AccountKey that is not base64 answered 500, and an upstream answering something that is not XML answered 500.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class Issue11Item5Tests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private const string WellKnownKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Connection strings no Azure SDK client accepts, and a word that must appear in the message.</summary>
    public static TheoryData<string, string> Malformed => new()
    {
        { "this is not a connection string", "no '='" },
        { "AccountName=acct;AccountKey=not base64!!;EndpointSuffix=core.windows.net", "AccountKey is not base64" },
        { "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5=x=;", "AccountKey is not base64" },
        { "DefaultEndpointsProtocol=ftp;AccountName=acct;AccountKey=a2V5", "DefaultEndpointsProtocol" },
        { "AccountName=acct", "AccountKey or SharedAccessSignature" },
        { "AccountKey=a2V5", "AccountName" },
        { "BlobEndpoint=not a url;SharedAccessSignature=sv=2024-11-04&sig=abc", "BlobEndpoint" },
        { "UseDevelopmentStorage=maybe", "UseDevelopmentStorage" },
        { ";;;", "no settings" },
        { "=value;AccountName=acct;AccountKey=a2V5", "no name" },
        { "AccountName=acct;AccountName=other;AccountKey=a2V5", "AccountName more than once" },
        { "AcountName=acct;AccountKey=a2V5", "AcountName" },
    };

    /// <summary>Connection strings in the forms the Azure portal, Azurite and SAS give, which must pass.</summary>
    public static TheoryData<string> WellFormed => new()
    {
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + WellKnownKey + ";EndpointSuffix=core.windows.net",
        "UseDevelopmentStorage=true",
        "BlobEndpoint=https://acct.blob.core.windows.net/;QueueEndpoint=https://acct.queue.core.windows.net/;SharedAccessSignature=sv=2024-11-04&ss=bq&srt=sco&sp=rl&sig=abc%3D",
        "  DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + WellKnownKey + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;  ",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Item5_MalformedConnectionString_IsACredentialsErrorAtConnectionString_ForEveryActionAndThePoll(string connectionString, string expected)
    {
        object auth = new { connection_string = connectionString };
        var runs = new List<Func<Task>>
        {
            () => Host.ExecuteActionAsync("list_blobs", new { container = "box" }, auth, Ct),
            () => Host.ExecuteActionAsync("upload_blob", new { container = "box", name = "a.txt", content = "a" }, auth, Ct),
            () => Host.ExecuteActionAsync("download_blob", new { container = "box", name = "a.txt" }, auth, Ct),
            () => Host.ExecuteActionAsync("send_queue_message", new { queue = "box", message = "m" }, auth, Ct),
            () => Host.PollAsync("new_blobs", new { container = "box" }, null, auth, Ct),
            () => Host.GetConnectedAccountAsync(auth, Ct),
        };

        foreach (Func<Task> run in runs)
        {
            ValidationError error = await Assert.ThrowsAsync<ValidationError>(run);
            Assert.Equal(ValidationTarget.Auth, error.Target);
            FieldError field = Assert.Single(error.Errors);
            Assert.Equal("/connection_string", field.Path);
            Assert.Contains(expected, field.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("a2V5", error.Message, StringComparison.Ordinal); // never echo a key
        }
    }

    [Theory]
    [MemberData(nameof(WellFormed))]
    public void Item5_WellFormedConnectionStrings_PassTheCredentialsCheck(string connectionString)
    {
        Host.Connector.ValidateAuth(Host.Connector.ReadAuth(JsonSerializer.SerializeToElement(new { connection_string = connectionString })));
    }

    [Fact]
    public async Task Item5_AccountCheck_RightKey_NamesTheAccount()
    {
        IntegrationResult result = await Host.GetConnectedAccountAsync(Auth, Ct);

        Assert.Equal("devstoreaccount1", result.Account!.Username);
    }

    [Fact]
    public async Task Item5_AccountCheck_WrongKey_IsRefusedByTheServiceWithTheReason()
    {
        string wrongKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("a key that is base64 but not the account's"));
        object auth = new { connection_string = ConnectionString.Replace(WellKnownKey, wrongKey, StringComparison.Ordinal) };

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => Host.GetConnectedAccountAsync(auth, Ct));

        Assert.Equal(403, error.Status);
        Assert.Contains("AuthorizationFailure", error.Message, StringComparison.Ordinal); // Azure itself says AuthenticationFailed
        Assert.Contains("check the account key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item5_AccountCheck_SasThatIsAcceptedButDoesNotCoverTheService_Passes()
    {
        BlobContainerClient container = await NewContainerAsync();
        Uri sas = Blobs.GenerateAccountSasUri(AccountSasPermissions.Read | AccountSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.Container | AccountSasResourceTypes.Object);
        object auth = new { connection_string = $"BlobEndpoint={Blobs.Uri};SharedAccessSignature={sas.Query.TrimStart('?')}" };

        IntegrationResult account = await Host.GetConnectedAccountAsync(auth, Ct);
        IntegrationResult list = await Host.ExecuteActionAsync("list_blobs", new { container = container.Name }, auth, Ct);

        Assert.Equal("devstoreaccount1", account.Account!.Username);
        Assert.Equal(0, Data(list).GetProperty("count").GetInt32());
    }

    [Fact]
    public void Item5_NoEntraIdToken_IsAnUnreachableUpstreamNotABug()
    {
        Exception translated = AzureStorageErrors.Translate(new CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token"))!;

        HttpRequestException error = Assert.IsType<HttpRequestException>(translated);
        Assert.Contains("az login", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Item5_XmlTheSdkCannotRead_IsInvalidData()
    {
        Assert.IsType<InvalidDataException>(AzureStorageErrors.Translate(new System.Xml.XmlException("Data at the root level is invalid.")));
        Assert.Null(AzureStorageErrors.Translate(new InvalidOperationException("a bug stays a bug")));
    }

    public static TheoryData<string, string> GarbageCases()
    {
        string[] bodies = ["this is not XML at all", "{\"json\": [1, 2, 3]}", "\u0001\u0002binary\u0000garbage\u00ff"];
        string[] operations = ["list_blobs", "upload_blob", "send_queue_message", "new_blobs", "connected_account"];
        var data = new TheoryData<string, string>();
        foreach (string operation in operations)
        {
            foreach (string body in bodies) data.Add(operation, body);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GarbageCases))]
    public async Task Item5_UpstreamAnswersSomethingThatIsNotAzureStorage_IsAnUpstreamError(string operation, string body)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(app => app.Run(c =>
        {
            c.Response.ContentType = "text/plain; charset=utf-8";
            return c.Response.WriteAsync(body);
        }));
        string endpoint = new Uri(server.BaseAddress, "devstoreaccount1").ToString();
        object auth = new { connection_string = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={WellKnownKey};BlobEndpoint={endpoint};QueueEndpoint={endpoint};" };

        Exception? error = await Record.ExceptionAsync(() => operation switch
        {
            "list_blobs" => Host.ExecuteActionAsync("list_blobs", new { container = "box" }, auth, Ct),
            "upload_blob" => Host.ExecuteActionAsync("upload_blob", new { container = "box", name = "a.txt", content = "a" }, auth, Ct),
            "send_queue_message" => Host.ExecuteActionAsync("send_queue_message", new { queue = "box", message = "m" }, auth, Ct),
            "new_blobs" => Host.PollAsync("new_blobs", new { container = "box" }, null, auth, Ct),
            _ => Host.GetConnectedAccountAsync(auth, Ct),
        });

        // What the Function App answers 502 for: an upstream error status or content the connector cannot read.
        Assert.NotNull(error);
        Assert.True(
            error is InvalidDataException || (error is HttpError and not RateLimitError),
            $"{operation} answered {error.GetType().Name}: {error.Message}");
        Assert.Contains("Azure Storage", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(server.Requests);
    }
}
