using System.Text.Json;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;

namespace Patchbay.Connectors.MicrosoftOutlook.Tests;

public class OutlookActionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 8, 0, 0, TimeSpan.Zero);

    private static object Auth(FakeGraph graph) => new { access_token = graph.ValidToken };

    internal static ConnectorTestHost Host(LoopbackServer server) =>
        ConnectorTestHost.FromAssembly(typeof(ListMessages).Assembly).Redirect(FakeGraph.Origin, server.BaseAddress);

    private static JsonElement Data(IntegrationResult result) => Assert.IsType<ActionResult>(result.Outcome).Data;

    private static string ErrorMessage(IntegrationResult result) => Assert.IsType<ActionError>(result.Outcome).Message;

    private static Dictionary<string, string> Query(RecordedRequest request)
    {
        string query = request.PathAndQuery.Contains('?', StringComparison.Ordinal) ? request.PathAndQuery[(request.PathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    private static void Fill(FakeGraph graph, int count, string folder = "inbox", Func<int, bool>? isRead = null)
    {
        List<Dictionary<string, object?>> list = graph.Folders.GetOrAdd(folder, _ => []);
        for (int i = 1; i <= count; i++)
        {
            list.Add(FakeGraph.Message($"AAMkAD{folder}{i:D4}=", T0.AddMinutes(i), $"Message {i}", isRead: isRead?.Invoke(i) ?? false));
        }
    }

    [Fact]
    public void Manifest_PlatformMicrosoftAuthGraphHostsAndEveryOperation()
    {
        Connector connector = Connector.FromAssembly(typeof(ListMessages).Assembly);

        Assert.Equal("microsoft-outlook", connector.Id);
        Assert.Equal("platform", connector.Manifest.Auth.Type);
        Assert.Equal("microsoft", connector.Manifest.Auth.Provider);
        Assert.Equal(["offline_access", "User.Read", "Mail.Read", "Mail.Send"], connector.Manifest.Auth.Scopes);
        Assert.Contains("graph.microsoft.com", connector.Manifest.AllowedHosts);
        Assert.True(connector.HasConnectedAccountHandler);
        Assert.Equal(["get_message", "list_messages", "send_mail"], connector.Manifest.Actions.Keys.Order());
        Assert.Equal(["new_messages"], connector.Manifest.PollingTriggers.Keys);
    }

    [Fact]
    public async Task ListMessages_OnePage_SendsBearerSelectOrderByTopAndFlattensGraphFields()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 3));
        await using LoopbackServer running = server;

        JsonElement data = Data(await Host(server).ExecuteActionAsync("list_messages", new { }, Auth(graph)));

        Assert.Equal(3, data.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("next_link").ValueKind);
        JsonElement newest = data.GetProperty("messages")[0];
        Assert.Equal("AAMkADinbox0003=", newest.GetProperty("id").GetString());
        Assert.Equal("Message 3", newest.GetProperty("subject").GetString());
        Assert.Equal("adelev@contoso.com", newest.GetProperty("from").GetProperty("address").GetString());
        Assert.Equal("Adele Vance", newest.GetProperty("from").GetProperty("name").GetString());
        Assert.Equal("MeganB@contoso.onmicrosoft.com", newest.GetProperty("to")[0].GetProperty("address").GetString());
        Assert.Equal("AlexW@contoso.onmicrosoft.com", newest.GetProperty("cc")[0].GetProperty("address").GetString());
        Assert.Equal("2026-01-15T08:03:00Z", newest.GetProperty("received_at").GetString());
        Assert.False(newest.GetProperty("is_read").GetBoolean());
        Assert.Equal("normal", newest.GetProperty("importance").GetString());
        Assert.False(newest.TryGetProperty("body", out _));

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.StartsWith("/v1.0/me/mailFolders/inbox/messages?", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("Bearer " + graph.ValidToken, request.Headers["Authorization"]);
        Dictionary<string, string> query = Query(request);
        Assert.Equal(GraphApi.SummaryFields, query["$select"]);
        Assert.Equal("receivedDateTime desc", query["$orderby"]);
        Assert.Equal("25", query["$top"]);
        Assert.False(query.ContainsKey("$filter"));
    }

    [Fact]
    public async Task ListMessages_UnreadOnly_FiltersWithReceivedDateTimeFirstSoGraphAcceptsTheOrderBy()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 6, isRead: i => i % 2 == 0));
        await using LoopbackServer running = server;

        JsonElement data = Data(await Host(server).ExecuteActionAsync("list_messages", new { unread_only = true }, Auth(graph)));

        Assert.Equal(["Message 5", "Message 3", "Message 1"], data.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
        Assert.All(data.GetProperty("messages").EnumerateArray(), m => Assert.False(m.GetProperty("is_read").GetBoolean()));
        Assert.Equal("receivedDateTime ge 1900-01-01T00:00:00Z and isRead eq false", Query(Assert.Single(server.Requests))["$filter"]);
    }

    [Fact]
    public async Task ListMessages_ReceivedAfter_IsAGraphFilterInUtc()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 5));
        await using LoopbackServer running = server;

        // 09:03 at +01:00 is 08:03 UTC: messages 3, 4 and 5.
        JsonElement data = Data(await Host(server).ExecuteActionAsync("list_messages", new { received_after = "2026-01-15T09:03:00+01:00", unread_only = true }, Auth(graph)));

        Assert.Equal(3, data.GetProperty("count").GetInt32());
        Assert.Equal("receivedDateTime ge 2026-01-15T08:03:00Z and isRead eq false", Query(Assert.Single(server.Requests))["$filter"]);
    }

    [Fact]
    public async Task ListMessages_MaxResults_FollowsNextLinkAndSaysWhereToContinue()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 7));
        await using LoopbackServer running = server;
        ConnectorTestHost host = Host(server);

        // top 2, five wanted: pages 1 and 2, then page 3 is cut short, so continuing reads page 3 again.
        JsonElement five = Data(await host.ExecuteActionAsync("list_messages", new { top = 2, max_results = 5 }, Auth(graph)));
        Assert.Equal(["Message 7", "Message 6", "Message 5", "Message 4", "Message 3"], five.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
        Assert.Equal(3, server.Requests.Count);
        string next = five.GetProperty("next_link").GetString()!;
        Assert.StartsWith(FakeGraph.Root + "/me/mailFolders/inbox/messages?", next, StringComparison.Ordinal);
        Assert.All(server.Requests.Skip(1), r => Assert.Equal(GraphApi.SummaryFields, Query(r)["$select"]));

        JsonElement rest = Data(await host.ExecuteActionAsync("list_messages", new { next_link = next, max_results = 10 }, Auth(graph)));
        Assert.Equal(["Message 3", "Message 2", "Message 1"], rest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_link").ValueKind);
    }

    [Fact]
    public async Task ListMessages_MaxResults_ReadsAtMostTwentyPages()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 30));
        await using LoopbackServer running = server;

        JsonElement data = Data(await Host(server).ExecuteActionAsync("list_messages", new { top = 1, max_results = 1000 }, Auth(graph)));

        Assert.Equal(GraphApi.MaxPages, server.Requests.Count);
        Assert.Equal(GraphApi.MaxPages, data.GetProperty("count").GetInt32());
        Assert.Contains("%24skip=20", data.GetProperty("next_link").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListMessages_NextLinkOutsideGraph_IsRefusedWithoutSendingAnything()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 1));
        await using LoopbackServer running = server;

        string message = ErrorMessage(await Host(server).ExecuteActionAsync("list_messages", new { next_link = "https://attacker.example/v1.0/me/messages" }, Auth(graph)));

        Assert.Contains("next_link must be an @odata.nextLink", message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ListMessages_UnknownFolder_IsAnActionErrorWithGraphsCode()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync();
        await using LoopbackServer running = server;

        string message = ErrorMessage(await Host(server).ExecuteActionAsync("list_messages", new { folder = "archive" }, Auth(graph)));

        Assert.Contains("Folder 'archive' was not found", message, StringComparison.Ordinal);
        Assert.Contains("ErrorItemNotFound", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMessage_ReturnsBodyAndEveryRecipient_AsHtmlOrAsText()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 2));
        await using LoopbackServer running = server;
        ConnectorTestHost host = Host(server);

        JsonElement html = Data(await host.ExecuteActionAsync("get_message", new { id = "AAMkADinbox0002=" }, Auth(graph)));
        Assert.Equal("Message 2", html.GetProperty("subject").GetString());
        Assert.Equal("html", html.GetProperty("body_type").GetString());
        Assert.StartsWith("<html>", html.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, html.GetProperty("bcc").GetArrayLength());
        RecordedRequest first = server.Requests.Single();
        // The loopback server records the decoded path: the id reached Graph's /me/messages/{id} whole.
        Assert.StartsWith("/v1.0/me/messages/AAMkADinbox0002=?", first.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(GraphApi.FullFields, Query(first)["$select"]);

        JsonElement text = Data(await host.ExecuteActionAsync("get_message", new { id = "AAMkADinbox0002=", body_type = "text" }, Auth(graph)));
        Assert.Equal("text", text.GetProperty("body_type").GetString());
        Assert.Equal("Hi Megan, the quarterly numbers are attached.", text.GetProperty("body").GetString());
        Assert.Equal("outlook.body-content-type=\"text\"", server.Requests.Last().Headers["Prefer"]);
    }

    [Fact]
    public async Task GetMessage_UnknownId_IsAnActionError()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync();
        await using LoopbackServer running = server;

        string message = ErrorMessage(await Host(server).ExecuteActionAsync("get_message", new { id = "AAMkADmissing=" }, Auth(graph)));

        Assert.Contains("Message 'AAMkADmissing=' was not found", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendMail_PostsGraphsMessageShapeOnce_AndGraphAnswers202()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync();
        await using LoopbackServer running = server;

        JsonElement data = Data(await Host(server).ExecuteActionAsync("send_mail", new
        {
            to = new[] { "adelev@contoso.com", "alexw@contoso.com" },
            cc = new[] { "lynner@contoso.com" },
            subject = "Quarterly numbers",
            body = "<p>Attached.</p>",
            body_type = "html",
            save_to_sent_items = false,
        }, Auth(graph)));

        Assert.True(data.GetProperty("sent").GetBoolean());
        Assert.Equal(3, data.GetProperty("recipients").GetInt32());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/me/sendMail", request.PathAndQuery);
        JsonElement sent = Assert.Single(graph.Sent);
        Assert.False(sent.GetProperty("saveToSentItems").GetBoolean());
        JsonElement message = sent.GetProperty("message");
        Assert.Equal("Quarterly numbers", message.GetProperty("subject").GetString());
        Assert.Equal("HTML", message.GetProperty("body").GetProperty("contentType").GetString());
        Assert.Equal("<p>Attached.</p>", message.GetProperty("body").GetProperty("content").GetString());
        Assert.Equal(["adelev@contoso.com", "alexw@contoso.com"], message.GetProperty("toRecipients").EnumerateArray().Select(r => r.GetProperty("emailAddress").GetProperty("address").GetString()));
        Assert.Equal("lynner@contoso.com", message.GetProperty("ccRecipients")[0].GetProperty("emailAddress").GetProperty("address").GetString());
        Assert.False(message.TryGetProperty("bccRecipients", out _));
    }

    [Fact]
    public async Task SendMail_TextByDefault_SavedToSentItems()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync();
        await using LoopbackServer running = server;

        await Host(server).ExecuteActionAsync("send_mail", new { to = new[] { "adelev@contoso.com" }, subject = "Hi", body = "Plain words." }, Auth(graph));

        JsonElement sent = Assert.Single(graph.Sent);
        Assert.True(sent.GetProperty("saveToSentItems").GetBoolean());
        Assert.Equal("Text", sent.GetProperty("message").GetProperty("body").GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task SendMail_RecipientGraphRejects_IsAnActionErrorWithGraphsMessage()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync();
        await using LoopbackServer running = server;

        string message = ErrorMessage(await Host(server).ExecuteActionAsync("send_mail", new { to = new[] { "nobody@invalid.example" }, subject = "Hi", body = "x" }, Auth(graph)));

        Assert.Contains("ErrorInvalidRecipients", message, StringComparison.Ordinal);
        Assert.Contains("nobody@invalid.example", message, StringComparison.Ordinal);
        Assert.Empty(graph.Sent);
    }

    [Fact]
    public async Task SendMail_BadAddressOrNoRecipient_IsRefusedBeforeGraph()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync();
        await using LoopbackServer running = server;

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() =>
            Host(server).ExecuteActionAsync("send_mail", new { to = Array.Empty<string>(), cc = new[] { "not an address" }, subject = "Hi", body = "x", body_type = "rtf" }, Auth(graph)));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        Assert.Contains(error.Errors, e => e.Path == "/to");
        Assert.Contains(error.Errors, e => e.Path == "/cc/0");
        Assert.Contains(error.Errors, e => e.Path == "/body_type");
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ExpiredToken_SurfacesAsHttpError401WithGraphsCode_ForThePlatformToRefresh()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 1));
        await using LoopbackServer running = server;
        ConnectorTestHost host = Host(server);
        object expired = new { access_token = "graph-access-token-expired" };

        HttpError list = await Assert.ThrowsAsync<HttpError>(() => host.ExecuteActionAsync("list_messages", new { }, expired));
        HttpError get = await Assert.ThrowsAsync<HttpError>(() => host.ExecuteActionAsync("get_message", new { id = "AAMkADinbox0001=" }, expired));
        HttpError send = await Assert.ThrowsAsync<HttpError>(() => host.ExecuteActionAsync("send_mail", new { to = new[] { "a@contoso.com" }, subject = "s", body = "b" }, expired));
        HttpError poll = await Assert.ThrowsAsync<HttpError>(() => host.PollAsync("new_messages", new { }, T0, expired));
        HttpError account = await Assert.ThrowsAsync<HttpError>(() => host.GetConnectedAccountAsync(expired));

        foreach (HttpError error in new[] { list, get, send, poll, account })
        {
            Assert.IsNotType<RateLimitError>(error);
            Assert.Equal(401, error.Status);
            Assert.Equal("InvalidAuthenticationToken", error.ResponseData.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Equal(5, server.Requests.Count); // a 401 is not retried by the SDK: the platform refreshes, then retries once
        Assert.Empty(graph.Sent);

        // The refreshed token works at once: the connector keeps no token of its own.
        graph.ValidToken = "graph-access-token-2";
        Assert.Equal(1, Data(await host.ExecuteActionAsync("list_messages", new { }, new { access_token = "graph-access-token-2" })).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Status429_LongRetryAfter_SurfacesAsRateLimitErrorWithTheWait()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => { Fill(g, 1); g.ThrottleNext = 1; g.ThrottleRetryAfter = "120"; });
        await using LoopbackServer running = server;

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => Host(server).ExecuteActionAsync("list_messages", new { }, Auth(graph)));

        Assert.Equal(429, error.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Status429_ShortRetryAfter_IsRetriedAndSendsTheMailOnce()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => { g.ThrottleNext = 1; g.ThrottleRetryAfter = "1"; });
        await using LoopbackServer running = server;

        JsonElement data = Data(await Host(server).ExecuteActionAsync("send_mail", new { to = new[] { "adelev@contoso.com" }, subject = "Hi", body = "x" }, Auth(graph)));

        Assert.True(data.GetProperty("sent").GetBoolean());
        Assert.Equal(2, server.Requests.Count);
        Assert.Single(graph.Sent);
    }

    [Fact]
    public async Task BaseUrl_NationalCloud_SendsThere_AndAnyOtherHostIsRefused()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Fill(g, 1));
        await using LoopbackServer running = server;
        // Only the US Government origin leads to the fake: a request to the global service would fail to connect.
        ConnectorTestHost host = ConnectorTestHost.FromAssembly(typeof(ListMessages).Assembly).Redirect("https://graph.microsoft.us", server.BaseAddress);

        JsonElement data = Data(await host.ExecuteActionAsync("list_messages", new { base_url = "https://graph.microsoft.us/v1.0" }, Auth(graph)));
        Assert.Equal(1, data.GetProperty("count").GetInt32());
        Assert.StartsWith("/v1.0/me/mailFolders/inbox/messages", Assert.Single(server.Requests).PathAndQuery, StringComparison.Ordinal);

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() =>
            host.ExecuteActionAsync("send_mail", new { to = new[] { "a@contoso.com" }, subject = "s", body = "b", base_url = "https://graph.attacker.example/v1.0" }, Auth(graph)));
        Assert.Contains(error.Errors, e => e.Path == "/base_url");
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ConnectedAccount_ReadsMe_MailOrElseUserPrincipalName()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync();
        await using LoopbackServer running = server;
        ConnectorTestHost host = Host(server);

        ConnectedAccountInfo account = Assert.IsType<ConnectedAccountInfo>((await host.GetConnectedAccountAsync(Auth(graph))).Account);
        Assert.Equal("48d31887-5fad-4d73-a9f5-3c356e68a038", account.UserId);
        Assert.Equal("MeganB@contoso.onmicrosoft.com", account.Email);
        Assert.Equal("MeganB@contoso.onmicrosoft.com", account.Username);
        Assert.Equal("Megan", account.FirstName);
        Assert.Equal("Bowen", account.LastName);
        Assert.Equal("Contoso", account.Organization);
        Assert.Equal("Bearer " + graph.ValidToken, Assert.Single(server.Requests).Headers["Authorization"]);
        RecordedRequest request = server.Requests.Single();
        Assert.Equal(OutlookAccount.Fields, Query(request)["$select"]);
        Assert.StartsWith("/v1.0/me?", request.PathAndQuery, StringComparison.Ordinal);

        graph.Me = FakeGraph.User("Live User", mail: null, upn: "live.user_outlook.com#EXT#@contoso.onmicrosoft.com");
        ConnectedAccountInfo personal = Assert.IsType<ConnectedAccountInfo>((await host.GetConnectedAccountAsync(Auth(graph))).Account);
        Assert.Equal("live.user_outlook.com#EXT#@contoso.onmicrosoft.com", personal.Email);
        Assert.Equal("Live", personal.FirstName);
    }
}
