using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

[Collection(LoopbackCollection.Name)]
public class FetchClientAuthTests(LoopbackServers servers)
{
    private const string Secret = "s3cr3t-Value-42";

    private LoopbackServer Server => servers.Primary;

    private static ConnectorAuth Auth(string json) => ConnectorAuth.FromJson(JsonDocument.Parse(json).RootElement);

    private string OkRoute() => Server.Route((ctx, _) => ctx.Response.WriteAsync("ok"));

    [Fact]
    public async Task PlatformOauth2_SendsBearerToken()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();
        var options = new ConnectorContextOptions { Auth = Auth($$$"""{"auth_type":"PlatformOauth2","credentials":{"access_token":"{{{Secret}}}"}}""") };

        await FetchTestClients.Context(client, options).FetchAsync(Server.Url(route));

        Assert.Equal("Bearer " + Secret, Server.Seen(route).Single().Headers["Authorization"]);
    }

    [Fact]
    public async Task Basic_SendsBase64UsernameAndPassword()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();
        var options = new ConnectorContextOptions { Auth = Auth($$$"""{"auth_type":"Basic","credentials":{"username":"ann","password":"{{{Secret}}}"}}""") };

        await FetchTestClients.Context(client, options).FetchAsync(Server.Url(route));

        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ann:" + Secret));
        Assert.Equal(expected, Server.Seen(route).Single().Headers["Authorization"]);
    }

    [Fact]
    public async Task ApiKeyInHeader_SendsPrefixedKeyForAnyAuthTypeWithTheField()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();
        var options = new ConnectorContextOptions
        {
            Auth = Auth($$$"""{"auth_type":"Custom","credentials":{"api_key":"{{{Secret}}}"}}"""),
            ApiKey = new ApiKeyPlacement("header", "X-Api-Key", "api_key", "Token "),
        };

        await FetchTestClients.Context(client, options).FetchAsync(Server.Url(route));

        SeenRequest seen = Server.Seen(route).Single();
        Assert.Equal("Token " + Secret, seen.Headers["X-Api-Key"]);
        Assert.False(seen.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task ApiKeyInQuery_AppendsKeyToTheQuery()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();
        var options = new ConnectorContextOptions
        {
            Auth = Auth($$$"""{"auth_type":"ApiKey","credentials":{"key":"{{{Secret}}}"}}"""),
            ApiKey = new ApiKeyPlacement("query", "apikey", "key"),
        };

        await FetchTestClients.Context(client, options).FetchAsync(Server.Url(route, "?a=1"), query: new Dictionary<string, object?> { ["b"] = 2 });

        Assert.Equal($"?a=1&b=2&apikey={Secret}", Server.Seen(route).Single().Query);
    }

    [Fact]
    public async Task ExplicitAuthorizationHeader_WinsOverInjectedAuth()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();
        var options = new ConnectorContextOptions { Auth = Auth($$$"""{"auth_type":"PlatformOauth2","credentials":{"access_token":"{{{Secret}}}"}}""") };

        await FetchTestClients.Context(client, options).FetchAsync(Server.Url(route), headers: new Dictionary<string, string> { ["authorization"] = "Bot other-token" });

        Assert.Equal("Bot other-token", Server.Seen(route).Single().Headers["Authorization"]);
    }

    [Fact]
    public async Task CustomAuthWithoutApiKeyPlacement_InjectsNothing()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();
        var options = new ConnectorContextOptions { Auth = Auth($$$"""{"auth_type":"Custom","credentials":{"token":"{{{Secret}}}"}}""") };

        await FetchTestClients.Context(client, options).FetchAsync(Server.Url(route));

        SeenRequest seen = Server.Seen(route).Single();
        Assert.DoesNotContain(seen.Headers.Values, v => v.Contains(Secret, StringComparison.Ordinal));
        Assert.Equal(string.Empty, seen.Query);
    }

    [Fact]
    public async Task Credentials_NeverInExceptionMessagesOrLogs()
    {
        var logger = new CapturingLogger();
        using FetchClient client = FetchTestClients.Create(logger, maxRetries: 1);
        var options = new ConnectorContextOptions
        {
            Auth = Auth($$$"""{"auth_type":"PlatformOauth2","credentials":{"access_token":"{{{Secret}}}","key":"{{{Secret}}}-q"}}"""),
            ApiKey = new ApiKeyPlacement("query", "apikey", "key"),
        };
        ConnectorContext context = FetchTestClients.Context(client, options);

        // The upstream echoes the credentials back in its error; the message must not.
        string echo = Server.Route((ctx, _) =>
        {
            ctx.Response.StatusCode = 401;
            return ctx.Response.WriteAsJsonAsync(new { message = "bad token " + ctx.Request.Headers.Authorization + " for " + ctx.Request.QueryString });
        });
        string hang = Server.Route((ctx, _) => FetchClientRetryTests.Hang(ctx));
        string fails = Server.Route((ctx, _) => FetchClientRetryTests.Status(ctx, 500));
        int closedPort = FetchClientRetryTests.ClosedPort();

        var errors = new List<Exception>
        {
            await Assert.ThrowsAsync<HttpError>(() => context.FetchAsync(Server.Url(echo))),
            // Only this call has a short timeout: the others must be answered, however loaded the machine.
            await Assert.ThrowsAsync<TimeoutException>(() => context.FetchAsync(Server.Url(hang), timeout: TimeSpan.FromMilliseconds(200))),
            await Assert.ThrowsAsync<HttpError>(() => context.FetchAsync(Server.Url(fails))),
            await Assert.ThrowsAsync<HttpRequestException>(() => context.FetchAsync($"http://127.0.0.1:{closedPort}/x")),
            await Assert.ThrowsAsync<FetchBlockedException>(() => context.FetchAsync("http://169.254.169.254/x")),
            await Assert.ThrowsAsync<ArgumentException>(() => context.FetchAsync("ftp://host/x")),
        };

        Assert.Contains("bad token Bearer ***", errors[0].Message, StringComparison.Ordinal);
        Assert.All(errors, e => Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal));
        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(Secret, logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain("apikey", logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, options.Auth.ToString(), StringComparison.Ordinal);
    }
}
