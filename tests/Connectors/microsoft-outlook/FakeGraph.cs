using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;

namespace Patchbay.Connectors.MicrosoftOutlook.Tests;

/// <summary>
/// A Microsoft Graph v1.0 mailbox on a loopback <see cref="LoopbackServer"/>, answering with Graph's documented shapes:
/// <c>{"@odata.context", "value": [...], "@odata.nextLink"}</c> collections paged with <c>$skip</c>, <c>$select</c> of known
/// message properties only, <c>$filter</c> on receivedDateTime and isRead (refused as InefficientFilter when it does not
/// start with the <c>$orderby</c> property, as Graph does), 401 InvalidAuthenticationToken for any other token, 429 with
/// Retry-After on demand, <c>POST /me/sendMail</c> answering 202, and <c>/me</c>.
/// </summary>
internal sealed partial class FakeGraph
{
    public const string Origin = "https://graph.microsoft.com";
    public const string Root = Origin + "/v1.0";

    /// <summary>Every property of microsoft.graph.message a client may $select (v1.0).</summary>
    public static readonly HashSet<string> MessageProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "receivedDateTime", "sentDateTime",
        "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance", "parentFolderId", "conversationId",
        "conversationIndex", "isDeliveryReceiptRequested", "isReadReceiptRequested", "isRead", "isDraft", "webLink",
        "inferenceClassification", "body", "uniqueBody", "sender", "from", "toRecipients", "ccRecipients", "bccRecipients",
        "replyTo", "flag",
    };

    /// <summary>The token Graph accepts; anything else answers 401.</summary>
    public string ValidToken { get; set; } = "graph-access-token-1";

    /// <summary>Messages by folder name; ids are unique across folders.</summary>
    public ConcurrentDictionary<string, List<Dictionary<string, object?>>> Folders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The bodies of accepted <c>POST /me/sendMail</c> calls.</summary>
    public ConcurrentQueue<JsonElement> Sent { get; } = new();

    /// <summary>How many of the next requests answer 429, and with which Retry-After (seconds).</summary>
    public int ThrottleNext { get; set; }

    public string ThrottleRetryAfter { get; set; } = "1";

    /// <summary>What <c>GET /me</c> answers.</summary>
    public Dictionary<string, object?> Me { get; set; } = User("Megan Bowen", "MeganB@contoso.onmicrosoft.com", "MeganB@contoso.onmicrosoft.com");

    public static async Task<(LoopbackServer Server, FakeGraph Graph)> StartAsync(Action<FakeGraph>? setup = null)
    {
        var graph = new FakeGraph();
        setup?.Invoke(graph);
        LoopbackServer server = await LoopbackServer.StartAsync(graph.Map);
        return (server, graph);
    }

    public List<Dictionary<string, object?>> Inbox => Folders.GetOrAdd("inbox", _ => []);

    /// <summary>A message as Graph returns it with no $select, received <paramref name="received"/>.</summary>
    public static Dictionary<string, object?> Message(string id, DateTimeOffset received, string subject, bool isRead = false, string from = "adelev@contoso.com") => new()
    {
        ["@odata.etag"] = "W/\"CQAAABYAAAAiIsqMbYjsT5e/T7KzowPTAAAYbvZl\"",
        ["id"] = id,
        ["createdDateTime"] = Iso(received),
        ["lastModifiedDateTime"] = Iso(received),
        ["changeKey"] = "CQAAABYAAAAiIsqMbYjsT5e/T7KzowPTAAAYbvZl",
        ["categories"] = Array.Empty<string>(),
        ["receivedDateTime"] = Iso(received),
        ["sentDateTime"] = Iso(received.AddSeconds(-2)),
        ["hasAttachments"] = false,
        ["internetMessageId"] = $"<{id}@contoso.com>",
        ["subject"] = subject,
        ["bodyPreview"] = "Hi Megan, the quarterly numbers are attached.",
        ["importance"] = "normal",
        ["parentFolderId"] = "AQMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVl",
        ["conversationId"] = "AAQkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlZWI1MjQ4NmMAEAB2k",
        ["isDeliveryReceiptRequested"] = false,
        ["isReadReceiptRequested"] = false,
        ["isRead"] = isRead,
        ["isDraft"] = false,
        ["webLink"] = $"https://outlook.office365.com/owa/?ItemID={id}&exvsurl=1&viewmodel=ReadMessageItem",
        ["inferenceClassification"] = "focused",
        ["body"] = new Dictionary<string, object?> { ["contentType"] = "html", ["content"] = "<html><body><p>Hi Megan, the quarterly numbers are attached.</p></body></html>" },
        ["sender"] = Recipient("Adele Vance", from),
        ["from"] = Recipient("Adele Vance", from),
        ["toRecipients"] = new[] { Recipient("Megan Bowen", "MeganB@contoso.onmicrosoft.com") },
        ["ccRecipients"] = new[] { Recipient("Alex Wilber", "AlexW@contoso.onmicrosoft.com") },
        ["bccRecipients"] = Array.Empty<object>(),
        ["replyTo"] = Array.Empty<object>(),
        ["flag"] = new Dictionary<string, object?> { ["flagStatus"] = "notFlagged" },
    };

    public static Dictionary<string, object?> Recipient(string name, string address) =>
        new() { ["emailAddress"] = new Dictionary<string, object?> { ["name"] = name, ["address"] = address } };

    public static Dictionary<string, object?> User(string displayName, string? mail, string upn) => new()
    {
        ["@odata.context"] = Root + "/$metadata#users/$entity",
        ["id"] = "48d31887-5fad-4d73-a9f5-3c356e68a038",
        ["displayName"] = displayName,
        ["givenName"] = displayName.Split(' ')[0],
        ["surname"] = displayName.Split(' ')[^1],
        ["mail"] = mail,
        ["userPrincipalName"] = upn,
        ["companyName"] = "Contoso",
    };

    public static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Graph's error body: <c>{"error": {"code", "message", "innerError": {...}}}</c>.</summary>
    public static IResult Error(int status, string code, string message) => Results.Json(new Dictionary<string, object?>
    {
        ["error"] = new Dictionary<string, object?>
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new Dictionary<string, object?>
            {
                ["date"] = "2026-01-15T09:30:00",
                ["request-id"] = "9a1a2b3c-0000-4d5e-8f90-123456789abc",
                ["client-request-id"] = "9a1a2b3c-0000-4d5e-8f90-123456789abc",
            },
        },
    }, statusCode: status);

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (ThrottleNext > 0)
            {
                ThrottleNext--;
                context.Response.Headers.RetryAfter = ThrottleRetryAfter;
                await Error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.").ExecuteAsync(context);
                return;
            }

            if (context.Request.Headers.Authorization.ToString() != "Bearer " + ValidToken)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"";
                await Error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });

        app.MapGet("/v1.0/me", (HttpContext c) => Select(Me, c.Request.Query["$select"], userProperties: true) is { } user
            ? Results.Json(user)
            : Error(400, "BadRequest", "Could not find a property named on type 'microsoft.graph.user'."));
        app.MapGet("/v1.0/me/mailFolders/{folder}/messages", (HttpContext c, string folder) => ListFolder(c, folder));
        app.MapGet("/v1.0/me/messages/{id}", (HttpContext c, string id) => GetMessage(c, id));
        app.MapPost("/v1.0/me/sendMail", async (HttpContext c) =>
        {
            JsonElement body = (await JsonDocument.ParseAsync(c.Request.Body)).RootElement.Clone();
            if (!body.TryGetProperty("message", out JsonElement message)
                || !message.TryGetProperty("toRecipients", out JsonElement to) || to.GetArrayLength() == 0)
            {
                return Error(400, "ErrorInvalidRecipients", "At least one recipient is not valid., Recipient is missing.");
            }

            foreach (JsonElement recipient in to.EnumerateArray())
            {
                string address = recipient.GetProperty("emailAddress").GetProperty("address").GetString()!;
                if (address.EndsWith("@invalid.example", StringComparison.OrdinalIgnoreCase))
                {
                    return Error(400, "ErrorInvalidRecipients", $"At least one recipient is not valid., Recipient '{address}' is not resolved.");
                }
            }

            Sent.Enqueue(body);
            return Results.StatusCode(202);
        });
    }

    private IResult ListFolder(HttpContext c, string folder)
    {
        if (!Folders.TryGetValue(folder, out List<Dictionary<string, object?>>? all))
        {
            return Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }

        IQueryCollection q = c.Request.Query;
        IEnumerable<Dictionary<string, object?>> items = all;
        string? orderBy = q["$orderby"].FirstOrDefault();
        string? filter = q["$filter"].FirstOrDefault();
        if (filter is not null)
        {
            List<Func<Dictionary<string, object?>, bool>> clauses = [];
            string? firstProperty = null;
            foreach (string clause in filter.Split(" and "))
            {
                Match m = ClausePattern().Match(clause.Trim());
                if (!m.Success)
                {
                    return Error(400, "BadRequest", $"Invalid filter clause: {clause}");
                }

                firstProperty ??= m.Groups["prop"].Value;
                string value = m.Groups["value"].Value;
                if (m.Groups["prop"].Value == "receivedDateTime" && m.Groups["op"].Value == "ge")
                {
                    DateTimeOffset since = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);
                    clauses.Add(i => DateTimeOffset.Parse((string)i["receivedDateTime"]!, CultureInfo.InvariantCulture) >= since);
                }
                else if (m.Groups["prop"].Value == "isRead" && m.Groups["op"].Value == "eq" && value is "true" or "false")
                {
                    bool wanted = value == "true";
                    clauses.Add(i => (bool)i["isRead"]! == wanted);
                }
                else
                {
                    return Error(400, "BadRequest", $"Invalid filter clause: {clause}");
                }
            }

            if (orderBy is not null && !string.Equals(orderBy.Split(' ')[0], firstProperty, StringComparison.Ordinal))
            {
                return Error(400, "InefficientFilter", "The restriction or sort order is too complex for this operation.");
            }

            items = items.Where(i => clauses.All(clause => clause(i)));
        }

        if (orderBy is not null)
        {
            if (orderBy is not ("receivedDateTime desc" or "receivedDateTime asc" or "receivedDateTime"))
            {
                return Error(400, "BadRequest", $"Could not find a property named '{orderBy}' on type 'microsoft.graph.message'.");
            }

            items = orderBy.EndsWith(" desc", StringComparison.Ordinal)
                ? items.OrderByDescending(i => (string)i["receivedDateTime"]!, StringComparer.Ordinal)
                : items.OrderBy(i => (string)i["receivedDateTime"]!, StringComparer.Ordinal);
        }

        int top = q.ContainsKey("$top") ? int.Parse(q["$top"]!, CultureInfo.InvariantCulture) : 10;
        int skip = q.ContainsKey("$skip") ? int.Parse(q["$skip"]!, CultureInfo.InvariantCulture) : 0;
        if (top is < 1 or > 1000)
        {
            return Error(400, "ErrorInvalidArgument", "The value of $top must be between 1 and 1000.");
        }

        List<Dictionary<string, object?>> matched = [.. items];
        var page = new List<Dictionary<string, object?>>();
        foreach (Dictionary<string, object?> item in matched.Skip(skip).Take(top))
        {
            Dictionary<string, object?>? selected = Select(item, q["$select"], userProperties: false);
            if (selected is null)
            {
                return Error(400, "RequestBroker--ParseUri", $"Could not find a property named '{q["$select"]}' on type 'microsoft.graph.message'.");
            }

            page.Add(selected);
        }

        var answer = new Dictionary<string, object?>
        {
            ["@odata.context"] = Root + $"/$metadata#users('MeganB%40contoso.onmicrosoft.com')/mailFolders('{folder}')/messages",
            ["value"] = page,
        };
        if (skip + top < matched.Count)
        {
            var next = q.Where(p => p.Key != "$skip").Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value.ToString())).Append("%24skip=" + (skip + top));
            answer["@odata.nextLink"] = Root + c.Request.Path.Value![5..] + "?" + string.Join('&', next);
        }

        return Results.Json(answer);
    }

    private IResult GetMessage(HttpContext c, string id)
    {
        Dictionary<string, object?>? message = Folders.Values.SelectMany(f => f).FirstOrDefault(m => (string)m["id"]! == id);
        if (message is null)
        {
            return Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }

        Dictionary<string, object?>? selected = Select(message, c.Request.Query["$select"], userProperties: false);
        if (selected is null)
        {
            return Error(400, "RequestBroker--ParseUri", "Could not find a property named on type 'microsoft.graph.message'.");
        }

        if (c.Request.Headers["Prefer"].ToString() == "outlook.body-content-type=\"text\"" && selected.ContainsKey("body"))
        {
            var body = (Dictionary<string, object?>)message["body"]!;
            selected["body"] = new Dictionary<string, object?> { ["contentType"] = "text", ["content"] = TagPattern().Replace((string)body["content"]!, string.Empty) };
            c.Response.Headers["Preference-Applied"] = "outlook.body-content-type=\"text\"";
        }

        return Results.Json(selected);
    }

    /// <summary>The item with only the $select-ed properties (id and @odata.etag always); null when one is unknown.</summary>
    private static Dictionary<string, object?>? Select(Dictionary<string, object?> item, string? select, bool userProperties)
    {
        if (string.IsNullOrEmpty(select))
        {
            return new Dictionary<string, object?>(item);
        }

        var selected = new Dictionary<string, object?>();
        foreach (string key in new[] { "@odata.context", "@odata.etag", "id" }) if (item.TryGetValue(key, out object? v)) selected[key] = v;
        foreach (string name in select.Split(','))
        {
            bool known = userProperties ? item.ContainsKey(name) : MessageProperties.Contains(name);
            if (!known)
            {
                return null;
            }

            selected[name] = item.GetValueOrDefault(name);
        }

        return selected;
    }

    [GeneratedRegex("^(?<prop>[A-Za-z]+) (?<op>eq|ge|gt|le|lt) (?<value>[0-9TZ:.-]+|true|false)$")]
    private static partial Regex ClausePattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();
}
