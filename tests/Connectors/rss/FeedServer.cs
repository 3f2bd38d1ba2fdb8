using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk.Testing;

namespace Patchbay.Connectors.Rss.Tests;

/// <summary>Fixture files and a test host whose feed hosts point at a loopback server.</summary>
internal static class FeedServer
{
    public const string Blog = "https://blog.example.com";
    public const string GitHub = "https://github.com";

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    /// <summary>Answers <paramref name="body"/> with the content type real feed servers use.</summary>
    public static IResult Xml(string body, string contentType = "application/rss+xml; charset=UTF-8") => Results.Text(body, contentType);

    public static ConnectorTestHost Host(LoopbackServer server) =>
        ConnectorTestHost.FromAssembly(typeof(FetchFeed).Assembly)
            .Redirect(Blog, server.BaseAddress)
            .Redirect(GitHub, server.BaseAddress);

    public static string RssFeed(string items) =>
        $"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://blog.example.com</link><description>D</description>{items}</channel></rss>""";
}
