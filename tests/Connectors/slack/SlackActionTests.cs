using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;
using static Patchbay.Connectors.Slack.Tests.SlackPayloads;

namespace Patchbay.Connectors.Slack.Tests;

public class SlackActionTests
{
    private static readonly object Auth = new { access_token = "xoxb-test-bot-token" };

    private static ConnectorTestHost Host(LoopbackServer server) =>
        ConnectorTestHost.FromAssembly(typeof(PostMessage).Assembly).Redirect(Origin, server.BaseAddress);

    private static JsonElement Data(IntegrationResult result) => Assert.IsType<ActionResult>(result.Outcome).Data;

    private static string ErrorMessage(IntegrationResult result) => Assert.IsType<ActionError>(result.Outcome).Message;

    [Fact]
    public void Manifest_LoadsWithSlackAsTheOnlyHost()
    {
        Connector connector = Connector.FromAssembly(typeof(PostMessage).Assembly);

        Assert.Equal("slack", connector.Id);
        Assert.Equal(["slack.com"], connector.Manifest.AllowedHosts);
        Assert.Equal(["get_user", "list_channels", "post_message"], connector.Manifest.Actions.Keys.Order());
        Assert.Equal(["new_messages"], connector.Manifest.PollingTriggers.Keys);
    }

    [Fact]
    public async Task PostMessage_SendsUtf8JsonWithBearerTokenAndReturnsTheTs()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/api/chat.postMessage", () => Json(new Dictionary<string, object?>
        {
            ["ok"] = true,
            ["channel"] = "C123ABC456",
            ["ts"] = "1503435956.000247",
            ["message"] = new Dictionary<string, object?>
            {
                ["text"] = "Deploy finished ✅",
                ["bot_id"] = "B123ABC456",
                ["type"] = "message",
                ["subtype"] = "bot_message",
                ["ts"] = "1503435956.000247",
                ["thread_ts"] = "1503435900.000100",
            },
        })));

        JsonElement data = Data(await Host(server).ExecuteActionAsync("post_message", new
        {
            channel = "C123ABC456",
            text = "Deploy finished ✅",
            thread_ts = "1503435900.000100",
            unfurl_links = false,
            blocks = new object[] { new { type = "section", text = new { type = "mrkdwn", text = "*Deploy* finished ✅" } } },
        }, Auth));

        Assert.Equal("C123ABC456", data.GetProperty("channel").GetString());
        Assert.Equal("1503435956.000247", data.GetProperty("ts").GetString());
        Assert.Equal("bot_message", data.GetProperty("message").GetProperty("subtype").GetString());

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("Bearer xoxb-test-bot-token", request.Headers["Authorization"]);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        JsonElement root = body.RootElement;
        Assert.Equal("C123ABC456", root.GetProperty("channel").GetString());
        Assert.Equal("Deploy finished ✅", root.GetProperty("text").GetString());
        Assert.Equal("1503435900.000100", root.GetProperty("thread_ts").GetString());
        Assert.False(root.GetProperty("unfurl_links").GetBoolean());
        Assert.Equal("*Deploy* finished ✅", root.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString());
    }

    [Fact]
    public async Task PostMessage_OkFalse_IsAnActionErrorWithSlacksCode()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/api/chat.postMessage", () => Json(Failure("channel_not_found"))));

        IntegrationResult result = await Host(server).ExecuteActionAsync("post_message", new { channel = "C0NOPE", text = "hi" }, Auth);

        Assert.Equal(ResultTypes.Error, result.Type);
        Assert.StartsWith("Slack error: channel_not_found", ErrorMessage(result), StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task PostMessage_MissingScope_NamesTheScopeNeeded()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/api/chat.postMessage", () => Json(new Dictionary<string, object?>
        {
            ["ok"] = false,
            ["error"] = "missing_scope",
            ["needed"] = "chat:write",
            ["provided"] = "channels:read,users:read",
        })));

        string message = ErrorMessage(await Host(server).ExecuteActionAsync("post_message", new { channel = "C123ABC456", text = "hi" }, Auth));

        Assert.Contains("missing_scope", message, StringComparison.Ordinal);
        Assert.Contains("chat:write", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostMessage_BadInputs_AreValidationErrorsAndSendNothing()
    {
        await using var server = await LoopbackServer.StartAsync(app => { });
        ConnectorTestHost host = Host(server);

        ValidationError noContent = await Assert.ThrowsAsync<ValidationError>(() => host.ExecuteActionAsync("post_message", new { channel = "C123ABC456" }, Auth));
        Assert.Equal(ValidationTarget.Inputs, noContent.Target);

        ValidationError badTs = await Assert.ThrowsAsync<ValidationError>(() =>
            host.ExecuteActionAsync("post_message", new { channel = "C123ABC456", text = "hi", thread_ts = "yesterday", blocks = "not an array" }, Auth));
        Assert.Contains(badTs.Errors, e => e.Path == "/thread_ts");
        Assert.Contains(badTs.Errors, e => e.Path == "/blocks");

        ValidationError noChannel = await Assert.ThrowsAsync<ValidationError>(() => host.ExecuteActionAsync("post_message", new { text = "hi" }, Auth));
        Assert.Contains(noChannel.Errors, e => e.Path == "/channel");

        ValidationError noToken = await Assert.ThrowsAsync<ValidationError>(() => host.ExecuteActionAsync("post_message", new { channel = "C1", text = "hi" }));
        Assert.Equal(ValidationTarget.Auth, noToken.Target);

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ListChannels_OnePage_SendsDefaultsAndReturnsTheCursor()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/conversations.list", () => Json(new Dictionary<string, object?>
        {
            ["ok"] = true,
            ["channels"] = new[] { Channel("C012AB3CD", "general"), Channel("C061EG9T2", "random", isMember: false) },
            ["response_metadata"] = new { next_cursor = "dGVhbTpDMDYxRkE1UEI=" },
        })));

        JsonElement data = Data(await Host(server).ExecuteActionAsync("list_channels", new { }, Auth));

        Assert.Equal(2, data.GetProperty("count").GetInt32());
        Assert.Equal("dGVhbTpDMDYxRkE1UEI=", data.GetProperty("next_cursor").GetString());
        JsonElement general = data.GetProperty("channels")[0];
        Assert.Equal("C012AB3CD", general.GetProperty("id").GetString());
        Assert.Equal("general", general.GetProperty("name").GetString());
        Assert.Equal("Company-wide announcements and work-based matters", general.GetProperty("topic").GetString());
        Assert.Equal(4, general.GetProperty("num_members").GetInt32());
        Assert.False(data.GetProperty("channels")[1].GetProperty("is_member").GetBoolean());

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/conversations.list?types=public_channel&exclude_archived=true&limit=100", request.PathAndQuery);
        Assert.Equal("Bearer xoxb-test-bot-token", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task ListChannels_MaxResults_FollowsNextCursorAcrossPages()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/conversations.list", (HttpContext c) =>
            c.Request.Query["cursor"].ToString() switch
            {
                "" => Json(new Dictionary<string, object?> { ["ok"] = true, ["channels"] = new[] { Channel("C1", "a"), Channel("C2", "b") }, ["response_metadata"] = new { next_cursor = "cursor2" } }),
                "cursor2" => Json(new Dictionary<string, object?> { ["ok"] = true, ["channels"] = new[] { Channel("C3", "c"), Channel("G4", "d", isPrivate: true) }, ["response_metadata"] = new { next_cursor = "cursor3" } }),
                _ => Json(new Dictionary<string, object?> { ["ok"] = true, ["channels"] = new[] { Channel("C5", "e") }, ["response_metadata"] = new { next_cursor = "" } }),
            }));
        ConnectorTestHost host = Host(server);

        JsonElement all = Data(await host.ExecuteActionAsync("list_channels", new { types = "public_channel,private_channel", limit = 2, max_results = 50 }, Auth));
        Assert.Equal(["C1", "C2", "C3", "G4", "C5"], all.GetProperty("channels").EnumerateArray().Select(ch => ch.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_cursor").ValueKind);
        Assert.True(all.GetProperty("channels")[3].GetProperty("is_private").GetBoolean());
        Assert.Equal(
            ["/api/conversations.list?types=public_channel%2Cprivate_channel&exclude_archived=true&limit=2",
             "/api/conversations.list?types=public_channel%2Cprivate_channel&exclude_archived=true&limit=2&cursor=cursor2",
             "/api/conversations.list?types=public_channel%2Cprivate_channel&exclude_archived=true&limit=2&cursor=cursor3"],
            server.Requests.Select(r => r.PathAndQuery));

        // Three wanted: the second page is cut short, so the cursor to continue is the one that fetched it.
        JsonElement three = Data(await host.ExecuteActionAsync("list_channels", new { limit = 2, max_results = 3 }, Auth));
        Assert.Equal(3, three.GetProperty("count").GetInt32());
        Assert.Equal("cursor2", three.GetProperty("next_cursor").GetString());

        // Continuing from a cursor.
        JsonElement last = Data(await host.ExecuteActionAsync("list_channels", new { limit = 2, cursor = "cursor3" }, Auth));
        Assert.Equal("C5", Assert.Single(last.GetProperty("channels").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task ListChannels_BadInputs_PointAtTheFields()
    {
        await using var server = await LoopbackServer.StartAsync(app => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() =>
            Host(server).ExecuteActionAsync("list_channels", new { types = "public", limit = 1001, exclude_archived = "yes" }, Auth));

        Assert.Contains(error.Errors, e => e.Path == "/types");
        Assert.Contains(error.Errors, e => e.Path == "/limit");
        Assert.Contains(error.Errors, e => e.Path == "/exclude_archived");
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetUser_ReturnsProfileFields()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/users.info", () => Json(new Dictionary<string, object?>
        {
            ["ok"] = true,
            ["user"] = new Dictionary<string, object?>
            {
                ["id"] = "W012A3CDE",
                ["team_id"] = "T012AB3C4",
                ["name"] = "spengler",
                ["deleted"] = false,
                ["color"] = "9f69e7",
                ["real_name"] = "Egon Spengler",
                ["tz"] = "America/Los_Angeles",
                ["tz_label"] = "Pacific Daylight Time",
                ["tz_offset"] = -25200,
                ["profile"] = new Dictionary<string, object?>
                {
                    ["avatar_hash"] = "ge3b51ca72de",
                    ["status_text"] = "Print is dead",
                    ["status_emoji"] = ":books:",
                    ["real_name"] = "Egon Spengler",
                    ["display_name"] = "spengler",
                    ["email"] = "spengler@ghostbusters.example.com",
                    ["title"] = "",
                    ["image_72"] = "https://avatars.slack-edge.com/2016-08-31/72.jpg",
                    ["image_192"] = "https://avatars.slack-edge.com/2016-08-31/192.jpg",
                    ["team"] = "T012AB3C4",
                },
                ["is_admin"] = true,
                ["is_owner"] = false,
                ["is_bot"] = false,
                ["updated"] = 1502138686,
                ["has_2fa"] = false,
            },
        })));

        JsonElement user = Data(await Host(server).ExecuteActionAsync("get_user", new { user = "W012A3CDE" }, Auth));

        Assert.Equal("Egon Spengler", user.GetProperty("real_name").GetString());
        Assert.Equal("spengler@ghostbusters.example.com", user.GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("title").ValueKind);
        Assert.True(user.GetProperty("is_admin").GetBoolean());
        Assert.Equal("https://avatars.slack-edge.com/2016-08-31/192.jpg", user.GetProperty("image_url").GetString());
        Assert.Equal("/api/users.info?user=W012A3CDE", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task GetUser_UserNotFound_IsAnActionError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/users.info", () => Json(Failure("user_not_found"))));

        string message = ErrorMessage(await Host(server).ExecuteActionAsync("get_user", new { user = "U0NOBODY" }, Auth));

        Assert.StartsWith("Slack error: user_not_found", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status429_ShortRetryAfter_IsRetriedAndSucceeds()
    {
        int calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/conversations.list", (HttpContext c) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Response.Headers.RetryAfter = "1";
                return Json(Failure("ratelimited"), 429);
            }

            return Json(new Dictionary<string, object?> { ["ok"] = true, ["channels"] = new[] { Channel("C1", "general") }, ["response_metadata"] = new { next_cursor = "" } });
        }));

        JsonElement data = Data(await Host(server).ExecuteActionAsync("list_channels", new { }, Auth));

        Assert.Equal(1, data.GetProperty("count").GetInt32());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Status429_LongRetryAfter_SurfacesAsRateLimitError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/api/chat.postMessage", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = "90";
            return Json(Failure("ratelimited"), 429);
        }));

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() =>
            Host(server).ExecuteActionAsync("post_message", new { channel = "C123ABC456", text = "hi" }, Auth));

        Assert.Equal(TimeSpan.FromSeconds(90), error.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ConnectedAccount_UsesAuthTest()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/auth.test", () => Json(new Dictionary<string, object?>
        {
            ["ok"] = true,
            ["url"] = "https://subarachnoid.slack.com/",
            ["team"] = "Subarachnoid Workspace",
            ["user"] = "grace",
            ["team_id"] = "T12345678",
            ["user_id"] = "W12345678",
            ["bot_id"] = "B12345678",
        })));

        IntegrationResult result = await Host(server).GetConnectedAccountAsync(new { access_token = "xoxb-account" });

        ConnectedAccountInfo info = Assert.IsType<ConnectedAccountInfo>(result.Account);
        Assert.Equal("grace", info.Username);
        Assert.Equal("W12345678", info.UserId);
        Assert.Equal("Subarachnoid Workspace", info.Organization);
        Assert.Equal("Bearer xoxb-account", Assert.Single(server.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task ConnectedAccount_InvalidAuth_ThrowsNamingTheCode()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/auth.test", () => Json(Failure("invalid_auth"))));

        SlackApiException error = await Assert.ThrowsAsync<SlackApiException>(() => Host(server).GetConnectedAccountAsync(new { access_token = "xoxb-revoked" }));

        Assert.Equal("invalid_auth", error.Error);
    }
}
