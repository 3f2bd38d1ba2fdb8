using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Patchbay.Connectors.Rss;

/// <summary>
/// Turns feed XML into a <see cref="Feed"/>: RSS 2.0 (and 0.9x), RSS 1.0 (RDF) and Atom 1.0, with the
/// common extensions (content:encoded, dc:creator, dc:date, dc:subject). Relative links are resolved
/// against the feed's URL.
/// </summary>
/// <exception cref="InvalidDataException">The text is not XML, or is XML that is neither RSS nor Atom.</exception>
internal static partial class FeedParser
{
    private static readonly XNamespace s_atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace s_rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace s_rss1 = "http://purl.org/rss/1.0/";
    private static readonly XNamespace s_content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace s_dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace s_xhtml = "http://www.w3.org/1999/xhtml";

    private static readonly XmlReaderSettings s_settings = new()
    {
        // Some RSS 0.91 feeds still carry a DOCTYPE; skip it, never resolve or expand anything external.
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    public static Feed Parse(string text, Uri feedUrl)
    {
        text = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.Length == 0)
        {
            throw new InvalidDataException($"The response from {Describe(feedUrl)} is empty, not an RSS or Atom feed.");
        }

        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), s_settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException(NotXmlMessage(text, feedUrl, ex), ex);
        }

        XElement root = document.Root!;
        if (root.Name == s_atom + "feed")
        {
            return ParseAtom(root, feedUrl);
        }

        if (root.Name.LocalName == "rss" && root.Element("channel") is { } channel)
        {
            return ParseRss(channel, channel.Elements("item"), XNamespace.None, feedUrl);
        }

        if (root.Name == s_rdf + "RDF" && root.Element(s_rss1 + "channel") is { } rdfChannel)
        {
            return ParseRss(rdfChannel, root.Elements(s_rss1 + "item"), s_rss1, feedUrl);
        }

        string name = root.Name.NamespaceName.Length == 0 ? root.Name.LocalName : $"{root.Name.LocalName} in {root.Name.NamespaceName}";
        if (string.Equals(root.Name.LocalName, "html", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(NotXmlMessage(text, feedUrl, null));
        }

        throw new InvalidDataException($"The response from {Describe(feedUrl)} is XML but neither RSS nor Atom: its root element is <{name}>, expected <rss>, <rdf:RDF> or Atom <feed>.");
    }

    private static Feed ParseRss(XElement channel, IEnumerable<XElement> itemElements, XNamespace ns, Uri feedUrl)
    {
        var items = new List<FeedItem>();
        foreach (XElement item in itemElements)
        {
            string? guid = Text(item, ns + "guid") ?? (string?)item.Attribute(s_rdf + "about");
            string? link = Resolve(Text(item, ns + "link"), feedUrl);
            if (link is null && guid is not null && !string.Equals((string?)item.Element(ns + "guid")?.Attribute("isPermaLink"), "false", StringComparison.OrdinalIgnoreCase))
            {
                link = Uri.TryCreate(guid, UriKind.Absolute, out Uri? permalink) && permalink.Scheme is "http" or "https" ? guid : null;
            }

            var categories = item.Elements(ns + "category").Concat(item.Elements(s_dc + "subject"))
                .Select(e => e.Value.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            items.Add(new FeedItem(
                Id: guid ?? link,
                Title: Text(item, ns + "title") ?? Text(item, s_dc + "title"),
                Link: link,
                Summary: Text(item, ns + "description"),
                Content: Text(item, s_content + "encoded"),
                Author: Text(item, ns + "author") ?? Text(item, s_dc + "creator"),
                PublishedAt: FeedDates.Parse(Text(item, ns + "pubDate") ?? Text(item, s_dc + "date")),
                Categories: categories));
        }

        return new Feed("rss", Text(channel, ns + "title"), Resolve(Text(channel, ns + "link"), feedUrl), Text(channel, ns + "description"), items);
    }

    private static Feed ParseAtom(XElement feed, Uri feedUrl)
    {
        string? feedAuthor = Authors(feed);
        var items = new List<FeedItem>();
        foreach (XElement entry in feed.Elements(s_atom + "entry"))
        {
            string? link = AlternateLink(entry, feedUrl);
            XElement? content = entry.Element(s_atom + "content");
            var categories = entry.Elements(s_atom + "category")
                .Select(c => ((string?)c.Attribute("term"))?.Trim() ?? string.Empty).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            items.Add(new FeedItem(
                Id: Text(entry, s_atom + "id") ?? link,
                Title: TextConstruct(entry.Element(s_atom + "title")),
                Link: link,
                Summary: TextConstruct(entry.Element(s_atom + "summary")),
                Content: content?.Attribute("src") is null ? TextConstruct(content) : null,
                Author: Authors(entry) ?? Authors(entry.Element(s_atom + "source")) ?? feedAuthor,
                PublishedAt: FeedDates.Parse(Text(entry, s_atom + "published") ?? Text(entry, s_atom + "updated")),
                Categories: categories));
        }

        return new Feed("atom", TextConstruct(feed.Element(s_atom + "title")), AlternateLink(feed, feedUrl), TextConstruct(feed.Element(s_atom + "subtitle")), items);
    }

    private static string? Authors(XElement? parent)
    {
        if (parent is null)
        {
            return null;
        }

        var names = parent.Elements(s_atom + "author").Select(a => Text(a, s_atom + "name") ?? Text(a, s_atom + "email")).OfType<string>().ToList();
        return names.Count == 0 ? null : string.Join(", ", names);
    }

    /// <summary>The <c>rel="alternate"</c> link (rel defaults to alternate), preferring HTML.</summary>
    private static string? AlternateLink(XElement parent, Uri feedUrl)
    {
        var alternates = parent.Elements(s_atom + "link")
            .Where(l => ((string?)l.Attribute("rel") ?? "alternate") == "alternate" && !string.IsNullOrWhiteSpace((string?)l.Attribute("href")))
            .ToList();
        XElement? best = alternates.FirstOrDefault(l => ((string?)l.Attribute("type"))?.Contains("html", StringComparison.OrdinalIgnoreCase) == true)
            ?? alternates.FirstOrDefault();
        return Resolve((string?)best?.Attribute("href"), feedUrl);
    }

    /// <summary>An Atom text construct: text and html as their text, xhtml as the markup inside its div.</summary>
    private static string? TextConstruct(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        if ((string?)element.Attribute("type") == "xhtml")
        {
            XElement container = element.Element(s_xhtml + "div") ?? element;
            string markup = string.Concat(container.Nodes().Select(n => WithoutNamespaces(n).ToString(SaveOptions.DisableFormatting))).Trim();
            return markup.Length == 0 ? null : markup;
        }

        string value = element.Value.Trim();
        return value.Length == 0 ? null : value;
    }

    private static XNode WithoutNamespaces(XNode node) => node is XElement e
        ? new XElement(e.Name.LocalName, e.Attributes().Where(a => !a.IsNamespaceDeclaration).Select(a => new XAttribute(a.Name.LocalName, a.Value)), e.Nodes().Select(WithoutNamespaces))
        : node;

    private static string? Text(XElement parent, XName name)
    {
        string? value = parent.Element(name)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? Resolve(string? href, Uri feedUrl)
    {
        if (href is null)
        {
            return null;
        }

        return Uri.TryCreate(feedUrl, href, out Uri? absolute) ? absolute.AbsoluteUri : href;
    }

    private static string NotXmlMessage(string text, Uri feedUrl, XmlException? error)
    {
        if (HtmlStart().IsMatch(text))
        {
            string message = $"The response from {Describe(feedUrl)} is an HTML page, not an RSS or Atom feed.";
            Match alternate = FeedLinkTag().Match(text);
            if (alternate.Success && HrefAttribute().Match(alternate.Value) is { Success: true } href)
            {
                return message + $" The page names its feed: {Resolve(System.Net.WebUtility.HtmlDecode(href.Groups["href"].Value), feedUrl)}";
            }

            return message + " Use the feed's own URL (often /feed, /rss or /atom.xml).";
        }

        return $"The response from {Describe(feedUrl)} is not XML, so it is not an RSS or Atom feed ({error?.Message}).";
    }

    internal static string Describe(Uri url) => url.Host + url.AbsolutePath;

    [GeneratedRegex(@"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex HtmlStart();

    [GeneratedRegex(@"<link\b[^>]*\btype\s*=\s*[""']application/(rss|atom)\+xml[""'][^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FeedLinkTag();

    [GeneratedRegex(@"\bhref\s*=\s*[""'](?<href>[^""']+)[""']", RegexOptions.IgnoreCase)]
    private static partial Regex HrefAttribute();
}
