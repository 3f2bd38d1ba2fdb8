using Microsoft.AspNetCore.Http;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

[Collection(LoopbackCollection.Name)]
public class FetchClientGuardTests(LoopbackServers servers)
{
    private LoopbackServer Primary => servers.Primary;

    private LoopbackServer Other => servers.Other;

    private ConnectorContextOptions Options(IReadOnlyList<string> allowedHosts, ConnectorAuth? auth = null) => new()
    {
        AllowedHosts = allowedHosts,
        Auth = auth ?? ConnectorAuth.None,
        BaseUrlOverrides = new Dictionary<string, Uri>
        {
            ["https://api.example.com"] = Primary.BaseUri,
            ["https://files.example.com"] = Other.BaseUri,
            ["https://evil.example.net"] = Other.BaseUri,
        },
    };

    private static ConnectorAuth Bearer(string token) =>
        ConnectorAuth.FromJson(System.Text.Json.JsonDocument.Parse($$$"""{"auth_type":"PlatformOauth2","credentials":{"access_token":"{{{token}}}"}}""").RootElement);

    [Fact]
    public async Task Redirect_ToHostOutsideAllowedHosts_ThrowsBlockedAndOtherHostSeesNothing()
    {
        string target = Other.Route((ctx, _) => ctx.Response.WriteAsync("stolen"));
        string route = Primary.Route((ctx, _) =>
        {
            ctx.Response.Redirect("https://evil.example.net" + target);
            return Task.CompletedTask;
        });
        using FetchClient client = FetchTestClients.Create();
        ConnectorContext context = FetchTestClients.Context(client, Options(["api.example.com"], Bearer("tok-secret-1")));

        FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() => context.FetchAsync("https://api.example.com" + route));

        Assert.Contains("evil.example.net", error.Message, StringComparison.Ordinal);
        Assert.Single(Primary.Seen(route));
        Assert.Empty(Other.Seen(target));
    }

    [Fact]
    public async Task Redirect_WithinAllowedHosts_IsFollowedWithoutAuthorizationAcrossOrigins()
    {
        string target = Other.Route((ctx, _) => ctx.Response.WriteAsJsonAsync(new { from = "files" }));
        string route = Primary.Route((ctx, _) =>
        {
            ctx.Response.Redirect("https://files.example.com" + target + "?page=2");
            return Task.CompletedTask;
        });
        using FetchClient client = FetchTestClients.Create();
        ConnectorContext context = FetchTestClients.Context(client, Options(["*.example.com"], Bearer("tok-secret-2")));

        var headers = new Dictionary<string, string> { ["X-Custom-Token"] = "handler-set-secret", ["Accept"] = "application/json" };
        FetchResponse response = await context.FetchAsync("https://api.example.com" + route, headers: headers);

        Assert.Equal("files", response.Data.GetProperty("from").GetString());
        Assert.Equal("Bearer tok-secret-2", Primary.Seen(route).Single().Headers["Authorization"]);
        Assert.Equal("handler-set-secret", Primary.Seen(route).Single().Headers["X-Custom-Token"]);
        SeenRequest hop = Other.Seen(target).Single();
        Assert.False(hop.Headers.ContainsKey("Authorization"));
        Assert.False(hop.Headers.ContainsKey("X-Custom-Token"));
        Assert.Equal("application/json", hop.Headers["Accept"]);
        Assert.Equal("?page=2", hop.Query);
    }

    [Fact]
    public async Task Redirect_303AfterPost_FollowsWithGetOnSameOriginKeepingAuth()
    {
        string done = Primary.Route((ctx, _) => ctx.Response.WriteAsync("created"));
        string route = Primary.Route((ctx, _) =>
        {
            ctx.Response.StatusCode = 303;
            ctx.Response.Headers.Location = done;
            return Task.CompletedTask;
        });
        using FetchClient client = FetchTestClients.Create();
        ConnectorContext context = FetchTestClients.Context(client, Options(["api.example.com"], Bearer("tok-secret-3")));

        FetchResponse response = await context.FetchAsync("https://api.example.com" + route, HttpMethod.Post, json: new { a = 1 });

        Assert.Equal("created", response.Data.GetString());
        SeenRequest followed = Primary.Seen(done).Single();
        Assert.Equal("GET", followed.Method);
        Assert.Equal(string.Empty, followed.Body);
        Assert.Equal("Bearer tok-secret-3", followed.Headers["Authorization"]);
    }

    [Fact]
    public async Task Redirect_MoreThanMaxRedirects_ThrowsHttpError()
    {
        string route = "";
        route = Primary.Route((ctx, _) =>
        {
            ctx.Response.Redirect(route);
            return Task.CompletedTask;
        });
        using var client = new FetchClient(new FetchOptions { AllowPrivateNetworks = true, MaxRedirects = 2 });

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => FetchTestClients.Context(client).FetchAsync(Primary.Url(route)));

        Assert.Equal(302, error.Status);
        Assert.Equal(3, Primary.Seen(route).Count);
    }

    [Fact]
    public async Task Request_ToHostOutsideAllowedHosts_ThrowsBlockedBeforeSending()
    {
        string route = Other.Route((ctx, _) => ctx.Response.WriteAsync("no"));
        using FetchClient client = FetchTestClients.Create();
        ConnectorContext context = FetchTestClients.Context(client, Options(["api.example.com"]));

        await Assert.ThrowsAsync<FetchBlockedException>(() => context.FetchAsync("https://evil.example.net" + route));
        await Assert.ThrowsAsync<FetchBlockedException>(() => context.FetchAsync("https://example.com.evil.example.net" + route));

        Assert.Empty(Other.Seen(route));
    }

    [Fact]
    public async Task Guard_LoopbackLiteralWithoutPrivateNetworks_BlockedBeforeConnecting()
    {
        string route = Primary.Route((ctx, _) => ctx.Response.WriteAsync("no"));
        using FetchClient client = FetchTestClients.Create(allowPrivate: false);

        FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() => FetchTestClients.Context(client).FetchAsync(Primary.Url(route)));

        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
        Assert.Empty(Primary.Seen(route));
    }

    [Fact]
    public async Task Guard_HostNameResolvingToLoopback_BlockedOnTheResolvedAddress()
    {
        string route = Primary.Route((ctx, _) => ctx.Response.WriteAsync("no"));
        int before = Primary.TotalRequests;
        var logger = new CapturingLogger();
        using FetchClient client = FetchTestClients.Create(logger, allowPrivate: false);

        FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() =>
            FetchTestClients.Context(client).FetchAsync($"http://localhost:{Primary.Port}{route}"));

        Assert.Contains("localhost", error.Message, StringComparison.Ordinal);
        Assert.Empty(Primary.Seen(route));
        Assert.Equal(1, logger.Lines.Count(l => l.Contains("Sending GET", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Guard_OverrideToLoopbackWithoutPrivateNetworks_Blocked()
    {
        string route = Primary.Route((ctx, _) => ctx.Response.WriteAsync("no"));
        using FetchClient client = FetchTestClients.Create(allowPrivate: false);
        ConnectorContext context = FetchTestClients.Context(client, Options(["api.example.com"]));

        await Assert.ThrowsAsync<FetchBlockedException>(() => context.FetchAsync("https://api.example.com" + route));

        Assert.Empty(Primary.Seen(route));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/")]
    [InlineData("http://[fe80::1]/")]
    public async Task Guard_LinkLocal_BlockedEvenWithPrivateNetworksAllowed(string url)
    {
        using FetchClient client = FetchTestClients.Create(allowPrivate: true);

        FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() => FetchTestClients.Context(client).FetchAsync(url));

        Assert.Contains("link-local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_NonHttpScheme_ThrowsArgumentException()
    {
        using FetchClient client = FetchTestClients.Create();

        await Assert.ThrowsAsync<ArgumentException>(() => FetchTestClients.Context(client).FetchAsync("file:///etc/passwd"));
        await Assert.ThrowsAsync<ArgumentException>(() => FetchTestClients.Context(client).FetchAsync("/relative"));
    }
}
