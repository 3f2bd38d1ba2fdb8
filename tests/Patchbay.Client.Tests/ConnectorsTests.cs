namespace Patchbay.Client.Tests;

[Collection(ClientAppCollection.Name)]
public sealed class ConnectorsTests(ClientApp app)
{
    [Fact]
    public async Task GetConnectors_ListsEveryShippedConnector()
    {
        IReadOnlyList<ConnectorSummary> connectors = await app.NewClient().GetConnectorsAsync();
        string[] folders = [.. Directory.GetDirectories(Path.Combine(Patchbay.Testing.AzuriteFixture.FindRepoRoot(), "src", "Connectors"))
            .Where(d => File.Exists(Path.Combine(d, "config.json"))).Select(d => Path.GetFileName(d)!)];
        Assert.Superset(new HashSet<string>(folders), connectors.Select(c => c.Id).ToHashSet());
        ConnectorSummary http = Assert.Single(connectors, c => c.Id == "http");
        Assert.Equal("custom", http.AuthType);
        Assert.Contains("request", http.Actions);
    }

    [Fact]
    public async Task Actions_AreFoundCaseInsensitively_AndInputsStartFromTheDefaults()
    {
        PatchbayConnector http = await app.NewClient().GetConnectorAsync("http");
        PatchbayAction request = http.Actions["REQUEST"];
        Assert.Equal("request", request.Name);
        Assert.Contains("write", request.Tags);
        Assert.Equal("GET", request.Inputs.Get<string>("method"));
        Assert.Equal(30, request.Inputs.Get<int>("timeout_seconds"));
        Assert.Null(request.Inputs["url"]);
        Assert.Contains("url", request.Inputs.Required);
    }

    [Fact]
    public async Task Inputs_SetResetAndResetAll()
    {
        PatchbayAction request = (await app.NewClient().GetConnectorAsync("http")).Actions["request"];
        request.Inputs["method"] = "POST";
        request.Inputs["url"] = "https://example.com/x";
        request.Inputs["headers"] = new Dictionary<string, string> { ["X-Trace"] = "1" };
        Assert.Equal("POST", request.Inputs.Get<string>("method"));
        Assert.Equal("1", request.Inputs.Get<Dictionary<string, string>>("headers")!["X-Trace"]);

        request.Inputs.Reset("method");
        Assert.Equal("GET", request.Inputs.Get<string>("method"));
        Assert.Equal("https://example.com/x", request.Inputs.Get<string>("url"));

        request.Inputs.ResetAll();
        Assert.Null(request.Inputs["url"]);
        Assert.Equal(["method", "timeout_seconds"], request.Inputs.ToJson().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Inputs_AValueThatBreaksTheSchema_IsRefusedWhenSet_AndNothingChanges()
    {
        PatchbayAction request = (await app.NewClient().GetConnectorAsync("http")).Actions["request"];
        var error = Assert.Throws<ArgumentException>(() => request.Inputs["method"] = "FETCH");
        Assert.Contains("method", error.Message, StringComparison.Ordinal);
        Assert.Contains("FETCH", error.Message, StringComparison.Ordinal);
        Assert.Equal("GET", request.Inputs.Get<string>("method"));

        Assert.Throws<ArgumentException>(() => request.Inputs["timeout_seconds"] = 500);
        Assert.Throws<ArgumentException>(() => request.Inputs["url"] = 42);
        Assert.Equal(30, request.Inputs.Get<int>("timeout_seconds"));
    }

    [Fact]
    public async Task UnknownActionsAndInputs_AreExceptionsNamingTheKnownOnes()
    {
        PatchbayConnector slack = await app.NewClient().GetConnectorAsync("slack");
        var noAction = Assert.Throws<KeyNotFoundException>(() => slack.Actions["post_mesage"]);
        Assert.Contains("post_message", noAction.Message, StringComparison.Ordinal);
        Assert.Contains("list_channels", noAction.Message, StringComparison.Ordinal);

        var noInput = Assert.Throws<KeyNotFoundException>(() => slack.Actions["post_message"].Inputs["chanel"] = "general");
        Assert.Contains("channel", noInput.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetInputs_SetsSeveralActions_AndIsAllOrNothing()
    {
        PatchbayConnector slack = await app.NewClient().GetConnectorAsync("slack");
        slack.SetInputs(new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            ["post_message"] = new Dictionary<string, object?> { ["channel"] = "C123", ["text"] = "hello" },
            ["get_user"] = new Dictionary<string, object?> { ["user"] = "U0123" },
        });
        IReadOnlyDictionary<string, ActionInputs> inputs = slack.ListInputs("post_message", "GET_USER");
        Assert.Equal("C123", inputs["post_message"].Get<string>("channel"));
        Assert.Equal("U0123", inputs["get_user"].Get<string>("user"));

        Assert.Throws<KeyNotFoundException>(() => slack.SetInputs(new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            ["post_message"] = new Dictionary<string, object?> { ["channel"] = "C999" },
            ["get_user"] = new Dictionary<string, object?> { ["nobody"] = "x" },
        }));
        Assert.Equal("C123", slack.Actions["post_message"].Inputs.Get<string>("channel"));
        Assert.Equal(slack.Actions.Count, slack.ListInputs().Count);
    }

    [Fact]
    public async Task AuthParameters_DescribeTheFormOrTheOAuthProvider()
    {
        PatchbayClient client = app.NewClient();
        ConnectorAuthParameters http = (await client.GetConnectorAsync("http")).Auth;
        Assert.Equal("custom", http.Type);
        AuthField method = Assert.Single(http.Fields, f => f.Name == "auth_method");
        Assert.Equal("string", method.Type!);
        Assert.Equal(4, method.Enum!.Count);
        Assert.Equal("none", method.Default!.Value.GetString());
        Assert.False(method.Secret);
        Assert.True(Assert.Single(http.Fields, f => f.Name == "token").Secret);

        ConnectorAuthParameters github = (await client.GetConnectorAsync("github")).Auth;
        Assert.Equal("platform", github.Type);
        Assert.Equal("github", github.Provider);
        Assert.False(github.ClientConfigured);
    }

    [Fact]
    public async Task UnknownConnector_IsAPatchbayExceptionWithTheProblemDetails()
    {
        var error = await Assert.ThrowsAsync<PatchbayException>(() => app.NewClient().GetConnectorAsync("no-such-connector"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.Status);
        Assert.Equal("urn:patchbay:problem:not-found", error.ProblemType);
        Assert.False(string.IsNullOrEmpty(error.InvocationId));
        Assert.Contains("no-such-connector", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_Is401()
    {
        var error = await Assert.ThrowsAsync<PatchbayException>(() => app.NewClient("wrong-key").GetConnectorsAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal("urn:patchbay:problem:unauthorized", error.ProblemType);
    }
}
