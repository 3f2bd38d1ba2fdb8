using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Patchbay.Platform.Polling;

namespace Patchbay.Platform.Tests.OAuth;

/// <summary>Scheduled polls of a subscription on an OAuth connection refresh its token as actions do (issue 13).</summary>
[Collection(OAuthCollection.Name)]
public sealed class OAuthPollingTests(OAuthFixture fixture) : IDisposable
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    public void Dispose() => fixture.Reset();

    private static async Task<string> ConnectAsync(OAuthApp app)
    {
        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/api/connections",
            new { connector = "oauth-test", entity_id = "user-1", redirect_uri = OAuthFixture.AllowedRedirect });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonElement initiated = await response.Content.ReadFromJsonAsync<JsonElement>();
        HttpResponseMessage authorize = await Browser.GetAsync(initiated.GetProperty("redirect_url").GetString()!);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        HttpResponseMessage callback = await Browser.GetAsync(authorize.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        return initiated.GetProperty("id").GetString()!;
    }

    private async Task<string> SubscribeAsync(OAuthApp app, string connectionId)
    {
        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/api/subscriptions", new
        {
            connector = "oauth-test",
            trigger = "items",
            inputs = new { base_url = fixture.Provider.BaseAddress.ToString() },
            connection_id = connectionId,
            entity_id = "user-1",
            destination = new { type = "webhook", url = new Uri(fixture.Receiver.BaseAddress, "/hook").ToString() },
            deliver_existing = true,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(OAuthApp app, string path) =>
        await (await app.Client.GetAsync(path)).Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task ScheduledPoll_AfterTheTokenExpired_RefreshesOnce_PollsWithTheNewToken_AndDelivers()
    {
        OAuthApp app = fixture.First;
        string connectionId = await ConnectAsync(app);
        string connected = fixture.LastIssuedAccessToken!;
        string id = await SubscribeAsync(app, connectionId);
        try
        {
            app.Time.Advance(TimeSpan.FromMinutes(61)); // past the 1-hour token's expiry
            Interlocked.Exchange(ref fixture.RefreshGrants, 0);
            int bearersBefore = fixture.ItemBearersSeen.Count, deliveriesBefore = fixture.Deliveries.Count;

            PollingTickResult tick = await app.Poller.RunTickAsync();

            Assert.Equal(1, fixture.RefreshGrants);
            string refreshed = fixture.LastIssuedAccessToken!;
            Assert.NotEqual(connected, refreshed);
            Assert.Equal(["Bearer " + refreshed], fixture.ItemBearersSeen.Skip(bearersBefore));
            Assert.Equal(1, tick.Delivered);
            string delivery = Assert.Single(fixture.Deliveries.Skip(deliveriesBefore));
            Assert.Contains("\"first\"", delivery);
            Assert.Equal("ACTIVE", (await GetAsync(app, $"/api/subscriptions/{id}")).GetProperty("status").GetString());
        }
        finally
        {
            await app.Client.DeleteAsync($"/api/subscriptions/{id}");
        }
    }

    [Fact]
    public async Task ScheduledPoll_UpstreamRejectsTheToken_RefreshesOnceAndPollsAgain()
    {
        OAuthApp app = fixture.First;
        string connectionId = await ConnectAsync(app);
        string id = await SubscribeAsync(app, connectionId);
        try
        {
            fixture.RevokeAccessTokens();
            Interlocked.Exchange(ref fixture.RefreshGrants, 0);
            int bearersBefore = fixture.ItemBearersSeen.Count;

            PollingTickResult tick = await app.Poller.RunTickAsync();

            Assert.Equal(1, fixture.RefreshGrants);
            string[] sent = [.. fixture.ItemBearersSeen.Skip(bearersBefore)];
            Assert.Equal(2, sent.Length); // the rejected token, then the refreshed one
            Assert.Equal("Bearer " + fixture.LastIssuedAccessToken, sent[1]);
            Assert.Equal(1, tick.Delivered);
        }
        finally
        {
            await app.Client.DeleteAsync($"/api/subscriptions/{id}");
        }
    }

    [Fact]
    public async Task ScheduledPoll_InvalidGrant_ExpiresTheConnection_AndPausesTheSubscriptionSayingReconnect()
    {
        OAuthApp app = fixture.First;
        string connectionId = await ConnectAsync(app);
        string id = await SubscribeAsync(app, connectionId);
        try
        {
            app.Time.Advance(TimeSpan.FromMinutes(61));
            fixture.Mode = "invalid_grant";
            int bearersBefore = fixture.ItemBearersSeen.Count;

            PollingTickResult tick = await app.Poller.RunTickAsync();

            Assert.Equal(1, tick.Paused);
            Assert.Empty(fixture.ItemBearersSeen.Skip(bearersBefore));
            Assert.Equal("EXPIRED", (await GetAsync(app, $"/api/connections/{connectionId}")).GetProperty("status").GetString());
            JsonElement subscription = await GetAsync(app, $"/api/subscriptions/{id}");
            Assert.Equal("PAUSED", subscription.GetProperty("status").GetString());
            Assert.Contains($"/api/connections/{connectionId}/reconnect", subscription.GetProperty("paused_reason").GetString());
        }
        finally
        {
            await app.Client.DeleteAsync($"/api/subscriptions/{id}");
        }
    }
}
