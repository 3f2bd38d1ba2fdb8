using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Patchbay.Platform.Tests.OAuth;

[Collection(OAuthCollection.Name)]
public sealed class OAuthFlowTests(OAuthFixture fixture) : IDisposable
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    public void Dispose() => fixture.Reset();

    private static async Task<JsonElement> InitiateAsync(OAuthApp app, string? redirectUri = OAuthFixture.AllowedRedirect)
    {
        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/api/connections", redirectUri is null
            ? new Dictionary<string, object?> { ["connector"] = "oauth-test", ["entity_id"] = "user-1" }
            : new Dictionary<string, object?> { ["connector"] = "oauth-test", ["entity_id"] = "user-1", ["redirect_uri"] = redirectUri, ["scopes"] = new[] { "write" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    // The user's browser: the provider's authorize URL, then back to Patchbay's callback (whose answer is returned).
    private static async Task<(HttpResponseMessage Callback, Uri CallbackUrl)> ConsentAsync(string redirectUrl)
    {
        HttpResponseMessage authorize = await Browser.GetAsync(redirectUrl);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        Uri callback = authorize.Headers.Location!;
        return (await Browser.GetAsync(callback), callback);
    }

    private async Task<string> ConnectAsync(OAuthApp app)
    {
        JsonElement initiated = await InitiateAsync(app);
        (HttpResponseMessage callback, _) = await ConsentAsync(initiated.GetProperty("redirect_url").GetString()!);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        return initiated.GetProperty("id").GetString()!;
    }

    private Task<HttpResponseMessage> RunActionAsync(OAuthApp app, string connectionId) =>
        app.Client.PostAsJsonAsync("/api/connectors/oauth-test/actions/get_thing", new
        {
            connection_id = connectionId,
            inputs = new { base_url = fixture.Provider.BaseAddress.ToString(), path = "/things" },
        });

    private static async Task<JsonElement> GetConnectionAsync(OAuthApp app, string id) =>
        await (await app.Client.GetAsync($"/api/connections/{id}")).Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Initiate_RedirectUrlCarriesClientCallbackScopesPkceAndState_CallbackActivates_ActionSendsTheBearer()
    {
        JsonElement initiated = await InitiateAsync(fixture.First);
        Assert.Equal("INITIATED", initiated.GetProperty("status").GetString());
        Assert.Equal(fixture.First.Time.GetUtcNow().AddMinutes(10), initiated.GetProperty("expires_at").GetDateTimeOffset());
        var url = new Uri(initiated.GetProperty("redirect_url").GetString()!);
        var query = QueryHelpers.ParseQuery(url.Query);
        Assert.Equal(OAuthFixture.ClientId, query["client_id"]);
        Assert.Equal("read write", query["scope"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.EndsWith("/api/oauth/callback", query["redirect_uri"].ToString());
        Assert.False(string.IsNullOrEmpty(query["state"]));

        (HttpResponseMessage callback, _) = await ConsentAsync(url.ToString());
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        string id = initiated.GetProperty("id").GetString()!;
        Assert.Equal($"{OAuthFixture.AllowedRedirect}?connection_id={id}&status=ACTIVE", callback.Headers.Location!.ToString());
        Assert.Equal("ACTIVE", (await GetConnectionAsync(fixture.First, id)).GetProperty("status").GetString());

        HttpResponseMessage action = await RunActionAsync(fixture.First, id);
        Assert.Equal(HttpStatusCode.OK, action.StatusCode);
        string bearer = fixture.BearersSeen.Last();
        Assert.StartsWith("Bearer at-", bearer);
    }

    [Fact]
    public async Task AfterExpiry_FiftyConcurrentActions_MakeExactlyOneRefresh()
    {
        string id = await ConnectAsync(fixture.First);
        fixture.First.Time.Advance(TimeSpan.FromMinutes(59)); // inside the 2-minute margin of the 1-hour token
        Interlocked.Exchange(ref fixture.RefreshGrants, 0);

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => RunActionAsync(fixture.First, id)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, fixture.RefreshGrants);
        Assert.Single(fixture.BearersSeen.TakeLast(50).Distinct());
    }

    [Fact]
    public async Task RefreshGates_AreRemoved_OnceNoCallerHoldsOrWaitsForThem()
    {
        string[] ids = [await ConnectAsync(fixture.First), await ConnectAsync(fixture.First), await ConnectAsync(fixture.First)];
        fixture.First.Time.Advance(TimeSpan.FromMinutes(59));
        Interlocked.Exchange(ref fixture.RefreshGrants, 0);

        HttpResponseMessage[] answers = await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(0, 10).Select(_ => RunActionAsync(fixture.First, id))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(ids.Length, fixture.RefreshGrants);
        // One gate per connection while callers refresh it; none kept after, however many connections a process has refreshed.
        Assert.Equal(0, fixture.First.Services.GetRequiredService<Patchbay.Platform.OAuth.OAuthTokens>().GateCount);
    }

    [Fact]
    public async Task UpstreamRejectsToken_RefreshedOnceAndRetried()
    {
        string id = await ConnectAsync(fixture.First);
        fixture.RevokeAccessTokens();
        Interlocked.Exchange(ref fixture.RefreshGrants, 0);

        HttpResponseMessage action = await RunActionAsync(fixture.First, id);

        Assert.Equal(HttpStatusCode.OK, action.StatusCode);
        Assert.Equal(1, fixture.RefreshGrants);
    }

    [Fact]
    public async Task TwoInstancesRaceARefresh_BothEndWithTheWinnersToken()
    {
        // One clock for both instances (other tests move the first one's on).
        DateTimeOffset now = new[] { fixture.First.Time.GetUtcNow(), fixture.Second.Time.GetUtcNow() }.Max();
        fixture.First.Time.SetUtcNow(now);
        fixture.Second.Time.SetUtcNow(now);
        string id = await ConnectAsync(fixture.First);
        fixture.First.Time.Advance(TimeSpan.FromMinutes(59));
        fixture.Second.Time.Advance(TimeSpan.FromMinutes(59));
        fixture.RefreshGateArrived = 0;
        fixture.RefreshGateCount = 2;
        fixture.RefreshGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int before = fixture.BearersSeen.Count;

        HttpResponseMessage[] answers = await Task.WhenAll(RunActionAsync(fixture.First, id), RunActionAsync(fixture.Second, id));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(2, fixture.RefreshGrants); // both instances asked; one write won
        string[] sent = [.. fixture.BearersSeen.Skip(before)];
        Assert.Equal(2, sent.Length);
        Assert.Equal(sent[0], sent[1]);
    }

    [Fact]
    public async Task InvalidGrant_Expires_ActionAnswers409SayingReconnect_ReconnectKeepsTheIdAndActivates()
    {
        string id = await ConnectAsync(fixture.First);
        fixture.First.Time.Advance(TimeSpan.FromMinutes(59));
        fixture.Mode = "invalid_grant";

        HttpResponseMessage action = await RunActionAsync(fixture.First, id);
        Assert.Equal(HttpStatusCode.Conflict, action.StatusCode);
        Assert.Contains($"/api/connections/{id}/reconnect", await action.Content.ReadAsStringAsync());
        JsonElement expired = await GetConnectionAsync(fixture.First, id);
        Assert.Equal("EXPIRED", expired.GetProperty("status").GetString());
        Assert.Contains("invalid_grant", expired.GetProperty("status_reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await RunActionAsync(fixture.First, id)).StatusCode);

        fixture.Mode = "normal";
        HttpResponseMessage reconnect = await fixture.First.Client.PostAsync($"/api/connections/{id}/reconnect", null);
        Assert.Equal(HttpStatusCode.Created, reconnect.StatusCode);
        JsonElement again = await reconnect.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, again.GetProperty("id").GetString());
        Assert.Equal("INITIATED", again.GetProperty("status").GetString());
        (HttpResponseMessage callback, _) = await ConsentAsync(again.GetProperty("redirect_url").GetString()!);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode); // no redirect_uri this time: the success page
        Assert.Contains("Connected", await callback.Content.ReadAsStringAsync());
        Assert.Equal("ACTIVE", (await GetConnectionAsync(fixture.First, id)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await RunActionAsync(fixture.First, id)).StatusCode);
    }

    [Fact]
    public async Task AccessDenied_Fails_WithTheProvidersError()
    {
        fixture.Mode = "deny";
        JsonElement initiated = await InitiateAsync(fixture.First);
        (HttpResponseMessage callback, _) = await ConsentAsync(initiated.GetProperty("redirect_url").GetString()!);
        string id = initiated.GetProperty("id").GetString()!;
        Assert.Equal($"{OAuthFixture.AllowedRedirect}?connection_id={id}&status=FAILED", callback.Headers.Location!.ToString());
        JsonElement failed = await GetConnectionAsync(fixture.First, id);
        Assert.Equal("FAILED", failed.GetProperty("status").GetString());
        Assert.Contains("access_denied", failed.GetProperty("status_reason").GetString());
    }

    [Fact]
    public async Task TransientTokenFailures_AreRetried()
    {
        fixture.TokenFailuresLeft = 2; // two 503s, then the exchange succeeds
        string id = await ConnectAsync(fixture.First);
        Assert.Equal("ACTIVE", (await GetConnectionAsync(fixture.First, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task TamperedExpiredAndReplayedStates_AreRefusedWithAPage_AndChangeNothing()
    {
        JsonElement initiated = await InitiateAsync(fixture.First);
        string id = initiated.GetProperty("id").GetString()!;
        HttpResponseMessage authorize = await Browser.GetAsync(initiated.GetProperty("redirect_url").GetString()!);
        Uri callback = authorize.Headers.Location!;
        var query = QueryHelpers.ParseQuery(callback.Query);
        string state = query["state"]!, code = query["code"]!;
        string Callback(string s) => QueryHelpers.AddQueryString(callback.GetLeftPart(UriPartial.Path), new Dictionary<string, string?> { ["code"] = code, ["state"] = s });

        // Tampered: one character of the signature changed.
        string tampered = state[..^2] + (state[^2] == 'A' ? 'B' : 'A') + state[^1];
        HttpResponseMessage refused = await Browser.GetAsync(Callback(tampered));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType!.MediaType);
        Assert.Contains("signature", await refused.Content.ReadAsStringAsync());
        Assert.Equal("INITIATED", (await GetConnectionAsync(fixture.First, id)).GetProperty("status").GetString());

        // Expired: 10 minutes later on this instance's clock.
        fixture.First.Time.Advance(TimeSpan.FromMinutes(10));
        refused = await Browser.GetAsync(Callback(state));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("expired", await refused.Content.ReadAsStringAsync());
        Assert.Equal("INITIATED", (await GetConnectionAsync(fixture.First, id)).GetProperty("status").GetString());

        // Replayed: a fresh authorization used once, then again.
        JsonElement fresh = await InitiateAsync(fixture.First);
        (HttpResponseMessage first, Uri freshCallback) = await ConsentAsync(fresh.GetProperty("redirect_url").GetString()!);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        HttpResponseMessage replay = await Browser.GetAsync(freshCallback);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("already used", await replay.Content.ReadAsStringAsync());
        Assert.Equal("ACTIVE", (await GetConnectionAsync(fixture.First, fresh.GetProperty("id").GetString()!)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task RedirectUriNotOnTheList_Is400()
    {
        HttpResponseMessage response = await fixture.First.Client.PostAsJsonAsync("/api/connections",
            new { connector = "oauth-test", entity_id = "user-1", redirect_uri = "https://evil.example.test/done" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("/redirect_uri", body);
        Assert.Contains("Patchbay__OAuth__AllowedRedirectUris", body);
    }

    [Fact]
    public async Task PastedAccessToken_StillCreatesAnActiveConnection()
    {
        HttpResponseMessage response = await fixture.First.Client.PostAsJsonAsync("/api/connections",
            new { connector = "oauth-test", entity_id = "user-1", credentials = new { access_token = "pasted-token" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("ACTIVE", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }
}
