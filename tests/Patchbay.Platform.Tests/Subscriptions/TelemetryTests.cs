using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>
/// The standalone host's spans, as the in-memory exporter receives them: one per request named after its endpoint (the
/// function's name under the Functions host) with connector, action, trigger, connection and subscription ids, one per
/// subscription polled in a tick, and never a credential, key or signing secret.
/// </summary>
[Collection(PollingAppCollection.Name)]
public class TelemetryTests(PollingApp app) : IAsyncLifetime
{
    private const string InlineSecret = "inline-secret-5c1d2e";

    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryInvocationHasASpan_NamingConnectorActionAndSubscription_AndNoSecret()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();

        HttpResponseMessage action = await app.Client.PostAsync("/api/connectors/upstream-test/actions/get_thing",
            Http.Json(new { inputs = new { base_url = feed.BaseUrl, path = "/items" }, auth = new { api_key = InlineSecret } }));
        Assert.Equal(HttpStatusCode.OK, action.StatusCode);
        string actionInvocation = action.Headers.GetValues(InvocationIds.ResponseHeader).Single();

        HttpResponseMessage connection = await app.Client.PostAsync("/api/connections",
            Http.Json(new { connector = "upstream-test", entity_id = "user-otel", credentials = new { api_key = InlineSecret } }));
        Assert.Equal(HttpStatusCode.Created, connection.StatusCode);
        string connectionId = (await connection.ReadJsonAsync()).GetProperty("id").GetString()!;

        string subscriptionId = await app.SubscribeAsync(feed, hook, deliverExisting: true);
        await app.GetSubscriptionAsync(subscriptionId);
        await app.TickAsync();
        Assert.Equal(["1", "2"], hook.RecordIds.Order(StringComparer.Ordinal));

        Activity executed = await app.Spans.SingleAsync(s => s.OperationName == "ExecuteAction" && Tag(s, PatchbayTelemetry.Attributes.InvocationId) == actionInvocation);
        Assert.Equal(ActivityKind.Server, executed.Kind);
        Assert.Equal("upstream-test", Tag(executed, PatchbayTelemetry.Attributes.Connector));
        Assert.Equal("get_thing", Tag(executed, PatchbayTelemetry.Attributes.Action));
        Assert.Equal("http", Tag(executed, PatchbayTelemetry.Attributes.Trigger));
        Assert.Equal(200, executed.GetTagItem(PatchbayTelemetry.Attributes.StatusCode));

        Activity created = await app.Spans.SingleAsync(s => s.OperationName == "CreateConnection" && Tag(s, PatchbayTelemetry.Attributes.ConnectionId) == connectionId);
        Assert.Equal("upstream-test", Tag(created, PatchbayTelemetry.Attributes.Connector));

        Activity subscribed = await app.Spans.SingleAsync(s => s.OperationName == "CreateSubscription" && Tag(s, PatchbayTelemetry.Attributes.SubscriptionId) == subscriptionId);
        Assert.Equal("items", Tag(subscribed, PatchbayTelemetry.Attributes.PollingTrigger));
        Assert.NotNull(Tag(subscribed, PatchbayTelemetry.Attributes.ConnectionId));
        await app.Spans.SingleAsync(s => s.OperationName == "GetSubscription" && Tag(s, PatchbayTelemetry.Attributes.SubscriptionId) == subscriptionId);

        Activity polled = await app.Spans.SingleAsync(s => s.OperationName == "PollSubscription" && Tag(s, PatchbayTelemetry.Attributes.SubscriptionId) == subscriptionId);
        Assert.Equal("upstream-test", Tag(polled, PatchbayTelemetry.Attributes.Connector));
        Assert.Equal("items", Tag(polled, PatchbayTelemetry.Attributes.PollingTrigger));

        // Every span the host exports (ASP.NET Core's request spans too), including one whose URL carried the key as ?code=.
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync($"/api/subscriptions/{subscriptionId}?code={PollingApp.ApiKey}")).StatusCode);
        await app.Spans.SingleAsync(s => s.Source.Name != PatchbayTelemetry.SourceName && Tag(s, "url.path") == $"/api/subscriptions/{subscriptionId}" && Tag(s, "url.query") is { Length: > 0 });
        string[] secrets = [InlineSecret, "good-key-123", PollingApp.ApiKey, PollingApp.EncryptionKeys, hook.Secret];
        foreach (Activity span in app.Spans.Snapshot())
        {
            foreach (KeyValuePair<string, object?> tag in span.TagObjects)
            {
                string value = JsonSerializer.Serialize(tag.Value);
                Assert.DoesNotContain(secrets, secret => value.Contains(secret, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task AProblemAnswer_RecordsItsStatus_AndOnly5xxMarksTheSpanAsFailed()
    {
        await (await app.Client.GetAsync("/api/subscriptions/sub_missing_otel")).ProblemAsync(404);
        Feed failing = app.NewFeed(1);
        failing.Mode = FeedMode.Failing;
        HttpResponseMessage upstreamError = await app.Client.PostAsync("/api/connectors/upstream-test/actions/get_thing",
            Http.Json(new { inputs = new { base_url = failing.BaseUrl, path = "/items" }, auth = new { api_key = InlineSecret } }));
        await upstreamError.ProblemAsync(502);
        string failedInvocation = upstreamError.Headers.GetValues(InvocationIds.ResponseHeader).Single();

        Activity notFound = await app.Spans.SingleAsync(s => s.OperationName == "GetSubscription" && Tag(s, PatchbayTelemetry.Attributes.SubscriptionId) == "sub_missing_otel");
        Assert.Equal(404, notFound.GetTagItem(PatchbayTelemetry.Attributes.StatusCode));
        Assert.NotEqual(ActivityStatusCode.Error, notFound.Status);
        Activity failed = await app.Spans.SingleAsync(s => Tag(s, PatchbayTelemetry.Attributes.InvocationId) == failedInvocation);
        Assert.Equal(502, failed.GetTagItem(PatchbayTelemetry.Attributes.StatusCode));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name) as string;
}
