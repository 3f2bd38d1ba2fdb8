using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using static Patchbay.Connectors.Rss.Tests.FeedServer;

namespace Patchbay.Connectors.Rss.Tests;

public class FetchFeedTests
{
    [Fact]
    public async Task FetchFeed_Rss2_ReturnsChannelAndItemsWithCdataExtensionsAndDates()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml(Fixture("wordpress-rss2.xml"))));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/" });

        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal("rss", data.GetProperty("format").GetString());
        Assert.Equal("Harbour Lights Engineering", data.GetProperty("title").GetString());
        Assert.Equal("https://blog.example.com/", data.GetProperty("link").GetString());
        Assert.Equal("Notes from the team that keeps the lights on", data.GetProperty("description").GetString());
        JsonElement[] items = [.. data.GetProperty("items").EnumerateArray()];
        Assert.Equal(4, items.Length);

        JsonElement first = items[0];
        Assert.Equal("https://blog.example.com/?p=1182", first.GetProperty("id").GetString());
        Assert.Equal("Postmortem: the 11 March queue backlog", first.GetProperty("title").GetString());
        Assert.Equal("https://blog.example.com/2024/03/12/postmortem-queue-backlog/", first.GetProperty("link").GetString());
        Assert.StartsWith("<p>On Monday a stuck consumer", first.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("<h2>Timeline</h2>", first.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("Ada Okafor", first.GetProperty("author").GetString());
        Assert.Equal("2024-03-12T09:30:00Z", first.GetProperty("published").GetString());
        Assert.Equal(["Incidents", "Queues"], first.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));

        Assert.Equal("Why we moved our builds to ARM & what it cost", items[1].GetProperty("title").GetString());
        Assert.Equal("2024-03-05T19:00:00Z", items[1].GetProperty("published").GetString()); // EST = -0500
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("content").ValueKind);

        // No guid: the id falls back to the link, which is resolved against the feed URL; no seconds, no weekday.
        Assert.Equal("https://blog.example.com/2024/02/27/release-notes-4-2/", items[2].GetProperty("id").GetString());
        Assert.Equal("https://blog.example.com/2024/02/27/release-notes-4-2/", items[2].GetProperty("link").GetString());
        Assert.Equal("releases@example.com (Release Bot)", items[2].GetProperty("author").GetString());
        Assert.Equal("2024-02-27T16:15:00Z", items[2].GetProperty("published").GetString());
        Assert.Empty(items[2].GetProperty("categories").EnumerateArray());

        // No link, no date: a permalink guid doubles as the link, published is null (not left out).
        Assert.Equal("https://blog.example.com/office-hours", items[3].GetProperty("link").GetString());
        Assert.Equal(JsonValueKind.Null, items[3].GetProperty("published").ValueKind);
        Assert.Equal(JsonValueKind.Null, items[3].GetProperty("author").ValueKind);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/feed/", request.PathAndQuery);
        Assert.Equal("application/rss+xml, application/atom+xml, application/xml, text/xml", request.Headers["Accept"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task FetchFeed_Atom_ReadsNamespacesTextConstructsRelativeLinksAndRfc3339Dates()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
            app.MapGet("/example/harbour/releases.atom", () => Xml(Fixture("github-releases-atom.xml"), "application/atom+xml; charset=utf-8")));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://github.com/example/harbour/releases.atom" });

        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal("atom", data.GetProperty("format").GetString());
        Assert.Equal("Release notes from harbour", data.GetProperty("title").GetString());
        Assert.Equal("https://github.com/example/harbour/releases", data.GetProperty("link").GetString());
        Assert.Equal("Releases of <b>harbour</b>", data.GetProperty("description").GetString());
        JsonElement[] entries = [.. data.GetProperty("items").EnumerateArray()];
        Assert.Equal(3, entries.Length);

        Assert.Equal("tag:github.com,2008:Repository/123456/v2.3.0", entries[0].GetProperty("id").GetString());
        Assert.Equal("v2.3.0", entries[0].GetProperty("title").GetString());
        Assert.Equal("https://github.com/example/harbour/releases/tag/v2.3.0", entries[0].GetProperty("link").GetString());
        Assert.StartsWith("<h2>What's Changed</h2>", entries[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("ada", entries[0].GetProperty("author").GetString());
        Assert.Equal("2024-03-11T17:02:44Z", entries[0].GetProperty("published").GetString()); // no <published>: <updated>

        Assert.Equal("v2.2.1 <em>hotfix</em>", entries[1].GetProperty("title").GetString());
        Assert.Equal("https://github.com/example/harbour/releases/tag/v2.2.1", entries[1].GetProperty("link").GetString());
        Assert.Equal("Fixes a crash on start-up", entries[1].GetProperty("summary").GetString());
        Assert.Equal("<p>Fixes a <code>NullReferenceException</code> on start-up.</p>", entries[1].GetProperty("content").GetString());
        Assert.Equal("2024-02-20T08:00:00Z", entries[1].GetProperty("published").GetString());
        Assert.Equal(["hotfix", "security"], entries[1].GetProperty("categories").EnumerateArray().Select(c => c.GetString()));

        Assert.Equal("harbour-maintainers", entries[2].GetProperty("author").GetString()); // the feed's author
        Assert.Equal(JsonValueKind.Null, entries[2].GetProperty("link").ValueKind);
        Assert.Equal("2024-02-01T12:00:00.25Z", entries[2].GetProperty("published").GetString());
    }

    [Fact]
    public async Task FetchFeed_Limit_ReturnsTheTopItemsOnly()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml(Fixture("wordpress-rss2.xml"))));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/", limit = 2 });

        JsonElement items = Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("items");
        Assert.Equal(["https://blog.example.com/?p=1182", "https://blog.example.com/?p=1170"], items.EnumerateArray().Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task FetchFeed_Rss1Rdf_IsReadToo()
    {
        const string Rdf = """
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="https://blog.example.com/rdf"><title>Old school</title><link>https://blog.example.com/</link><description>RSS 1.0</description></channel>
              <item rdf:about="https://blog.example.com/a"><title>A</title><link>https://blog.example.com/a</link><dc:date>2024-01-02T03:04:05-02:00</dc:date><dc:creator>Kim</dc:creator><dc:subject>misc</dc:subject></item>
            </rdf:RDF>
            """;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/rdf", () => Xml(Rdf, "application/rdf+xml")));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/rdf" });

        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal("Old school", data.GetProperty("title").GetString());
        JsonElement item = Assert.Single(data.GetProperty("items").EnumerateArray());
        Assert.Equal("https://blog.example.com/a", item.GetProperty("id").GetString());
        Assert.Equal("2024-01-02T05:04:05Z", item.GetProperty("published").GetString());
        Assert.Equal("Kim", item.GetProperty("author").GetString());
        Assert.Equal("misc", Assert.Single(item.GetProperty("categories").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("Sat, 07 Sep 2002 00:00:01 GMT", "2002-09-07T00:00:01Z")]
    [InlineData("Sat,07 Sep 2002 09:42:31 +0200", "2002-09-07T07:42:31Z")]
    [InlineData("7 Sep 02 10:00 PDT", "2002-09-07T17:00:00Z")]
    [InlineData("Mon, 01 Jan 2024 00:00:00 Z", "2024-01-01T00:00:00Z")]
    [InlineData("Wed, 15 May 2024 12:00:00 UT", "2024-05-15T12:00:00Z")]
    [InlineData("2024-05-15T12:00:00+05:30", "2024-05-15T06:30:00Z")]
    [InlineData("2024-05-15 12:00:00", "2024-05-15T12:00:00Z")]
    [InlineData("next Tuesday", null)]
    [InlineData("Mon, 32 Jan 2024 00:00:00 GMT", null)]
    public async Task FetchFeed_PubDate_AcceptsRfc822AndRfc3339AndNullsTheRest(string pubDate, string? expected)
    {
        string feed = RssFeed($"<item><guid>x</guid><pubDate>{pubDate}</pubDate></item>");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml(feed)));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/" });

        JsonElement published = Assert.Single(Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("items").EnumerateArray()).GetProperty("published");
        Assert.Equal(expected, published.ValueKind == JsonValueKind.Null ? null : published.GetString());
    }

    [Fact]
    public async Task FetchFeed_EmptyChannel_ReturnsNoItems()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml("""<rss version="2.0"><channel><title>Quiet</title></channel></rss>""")));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/" });

        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal("Quiet", data.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("link").ValueKind);
        Assert.Empty(data.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task FetchFeed_HtmlPage_IsAnErrorThatNamesTheFeedThePageLinks()
    {
        const string Page = """
            <!DOCTYPE html>
            <html><head><title>Blog</title>
            <link rel="alternate" type="application/rss+xml" title="Blog &raquo; Feed" href="/feed/?format=rss&amp;v=2" />
            </head><body><p>Hello<br></p></body></html>
            """;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/", () => Results.Text(Page, "text/html; charset=utf-8")));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/" });

        ActionError error = Assert.IsType<ActionError>(result.Outcome);
        Assert.True(result.IsError);
        Assert.Equal("The response from blog.example.com/ is an HTML page, not an RSS or Atom feed. The page names its feed: https://blog.example.com/feed/?format=rss&v=2", error.Message);
    }

    [Fact]
    public async Task FetchFeed_NotXml_IsAnError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Results.Text("this is not xml", "text/plain")));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/" });

        ActionError error = Assert.IsType<ActionError>(result.Outcome);
        Assert.StartsWith("The response from blog.example.com/feed/ is not XML, so it is not an RSS or Atom feed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchFeed_JsonAnswer_IsAnError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Results.Json(new { version = "https://jsonfeed.org/version/1.1", items = Array.Empty<object>() })));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/" });

        ActionError error = Assert.IsType<ActionError>(result.Outcome);
        Assert.StartsWith("The response from blog.example.com/feed/ is JSON (application/json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchFeed_XmlThatIsNoFeed_IsAnErrorNamingTheRootElement()
    {
        const string Sitemap = """<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://blog.example.com/</loc></url></urlset>""";
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/sitemap.xml", () => Xml(Sitemap, "application/xml")));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/sitemap.xml" });

        ActionError error = Assert.IsType<ActionError>(result.Outcome);
        Assert.Equal("The response from blog.example.com/sitemap.xml is XML but neither RSS nor Atom: its root element is <urlset in http://www.sitemaps.org/schemas/sitemap/0.9>, expected <rss>, <rdf:RDF> or Atom <feed>.", error.Message);
    }

    [Fact]
    public async Task FetchFeed_NotFound_IsAnErrorWithTheStatus()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/gone", () => Results.Text("<html><body>Not Found</body></html>", "text/html", statusCode: 404)));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/gone" });

        ActionError error = Assert.IsType<ActionError>(result.Outcome);
        Assert.StartsWith("The feed at blog.example.com/gone answered HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests); // a 404 is not retried
    }

    [Fact]
    public async Task FetchFeed_ServerError_IsRetriedThenAnErrorWithTheStatus()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Results.Text("Service Unavailable", "text/plain", statusCode: 500)));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/" });

        ActionError error = Assert.IsType<ActionError>(result.Outcome);
        Assert.StartsWith("The feed at blog.example.com/feed/ answered HTTP 500", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, server.Requests.Count); // FetchAsync's 3 retries
    }

    [Fact]
    public async Task FetchFeed_ShortRateLimit_IsRetriedAndSucceeds()
    {
        int calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", (HttpContext http) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                http.Response.Headers.RetryAfter = "1";
                return Results.Text("Too Many Requests", "text/plain", statusCode: 429);
            }

            return Xml(Fixture("wordpress-rss2.xml"));
        }));

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/", limit = 1 });

        Assert.Single(Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("items").EnumerateArray());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task FetchFeed_LongRateLimit_SurfacesAsRateLimitError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", (HttpContext http) =>
        {
            http.Response.Headers.RetryAfter = "3600";
            return Results.Text("Too Many Requests", "text/plain", statusCode: 429);
        }));

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/" }));

        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task FetchFeed_MissingUrlAndLimitOutOfRange_AreValidationErrorsWithPaths()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => Host(server).ExecuteActionAsync("fetch_feed", new { limit = 101 }));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        Assert.Contains(error.Errors, e => e.Path is "" or "/url");
        Assert.Contains(error.Errors, e => e.Path == "/limit");
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task FetchFeed_LimitZero_IsAValidationError()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => Host(server).ExecuteActionAsync("fetch_feed", new { url = "https://blog.example.com/feed/", limit = 0 }));

        Assert.Equal("/limit", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public async Task FetchFeed_NonHttpUrl_IsAnErrorAndSendsNothing()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        IntegrationResult result = await Host(server).ExecuteActionAsync("fetch_feed", new { url = "ftp://blog.example.com/feed.xml" });

        Assert.Equal("url must be an absolute http or https URL, not 'ftp://blog.example.com/feed.xml'.", Assert.IsType<ActionError>(result.Outcome).Message);
        Assert.Empty(server.Requests);
    }
}
