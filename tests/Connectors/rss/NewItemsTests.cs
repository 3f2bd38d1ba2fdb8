using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using static Patchbay.Connectors.Rss.Tests.FeedServer;

namespace Patchbay.Connectors.Rss.Tests;

public class NewItemsTests
{
    [Fact]
    public async Task NewItems_FirstPoll_ReturnsEveryItemKeyedByGuidOrLink()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml(Fixture("wordpress-rss2.xml"))));

        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_items", new { url = "https://blog.example.com/feed/" });

        Assert.Equal(
            ["https://blog.example.com/?p=1182", "https://blog.example.com/?p=1170", "https://blog.example.com/2024/02/27/release-notes-4-2/", "https://blog.example.com/office-hours"],
            records.Select(r => r.Key));
        JsonElement first = records[0].Data;
        Assert.Equal("https://blog.example.com/?p=1182", first.GetProperty("id").GetString());
        Assert.Equal("Postmortem: the 11 March queue backlog", first.GetProperty("title").GetString());
        Assert.Equal("2024-03-12T09:30:00Z", first.GetProperty("published").GetString());
        Assert.Equal("Harbour Lights Engineering", first.GetProperty("feed_title").GetString());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("application/rss+xml, application/atom+xml, application/xml, text/xml", request.Headers["Accept"]);
    }

    [Fact]
    public async Task NewItems_WithLastPollTs_ReturnsNewerItemsAndUndatedOnes()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml(Fixture("wordpress-rss2.xml"))));

        // 2024-03-05 14:00 EST is 19:00 UTC: the item dated exactly at last_poll_ts was seen last time.
        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_items", new { url = "https://blog.example.com/feed/" }, lastPollTs: DateTimeOffset.Parse("2024-03-05T19:00:00Z"));

        Assert.Equal(["https://blog.example.com/?p=1182", "https://blog.example.com/office-hours"], records.Select(r => r.Key));
        Assert.Equal(JsonValueKind.Null, records[1].Data.GetProperty("published").ValueKind);
    }

    [Fact]
    public async Task NewItems_Atom_KeysByEntryIdAndUsesUpdatedWhenPublishedIsMissing()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
            app.MapGet("/example/harbour/releases.atom", () => Xml(Fixture("github-releases-atom.xml"), "application/atom+xml")));

        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_items", new { url = "https://github.com/example/harbour/releases.atom" }, lastPollTs: DateTimeOffset.Parse("2024-03-01T00:00:00Z"));

        PollRecord record = Assert.Single(records);
        Assert.Equal("tag:github.com,2008:Repository/123456/v2.3.0", record.Key);
        Assert.Equal("v2.3.0", record.Data.GetProperty("title").GetString());
    }

    [Fact]
    public async Task NewItems_ItemWithoutGuidOrLink_GetsAStableContentId()
    {
        string feed = RssFeed("<item><title>Untitled thought</title><description>No link, no guid.</description></item>");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml(feed)));
        var host = Host(server);

        IReadOnlyList<PollRecord> first = await host.PollAsync("new_items", new { url = "https://blog.example.com/feed/" });
        IReadOnlyList<PollRecord> second = await host.PollAsync("new_items", new { url = "https://blog.example.com/feed/" });

        Assert.StartsWith("sha256:", Assert.Single(first).Key, StringComparison.Ordinal);
        Assert.Equal(first[0].Key, Assert.Single(second).Key);
    }

    [Fact]
    public async Task NewItems_NotAFeed_ThrowsWithAClearMessage()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Results.Text("<note><to>you</to></note>", "text/xml")));

        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => Host(server).PollAsync("new_items", new { url = "https://blog.example.com/feed/" }));

        Assert.Equal("The response from blog.example.com/feed/ is XML but neither RSS nor Atom: its root element is <note>, expected <rss>, <rdf:RDF> or Atom <feed>.", error.Message);
    }

    [Fact]
    public async Task NewItems_UpstreamError_ThrowsHttpError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Results.Text("Not Found", "text/plain", statusCode: 404)));

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => Host(server).PollAsync("new_items", new { url = "https://blog.example.com/feed/" }));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task NewItems_LongRateLimit_ThrowsRateLimitError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", (HttpContext http) =>
        {
            http.Response.Headers.RetryAfter = "900";
            return Results.StatusCode(429);
        }));

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => Host(server).PollAsync("new_items", new { url = "https://blog.example.com/feed/" }));

        Assert.Equal(TimeSpan.FromMinutes(15), error.RetryAfter);
    }

    [Fact]
    public async Task NewItems_MissingUrl_IsAValidationError()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => Host(server).PollAsync("new_items", new { }));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        Assert.Empty(server.Requests);
    }
}
