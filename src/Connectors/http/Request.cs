using System.Text;
using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Http;

/// <summary>
/// Sends one HTTP request with the connection's credential. Non-2xx answers come back as data with
/// <c>ok = false</c> (the caller asked for a raw request), except 429: FetchAsync raises
/// <see cref="RateLimitError"/> for it, so callers and the platform see the wait the server asked for.
/// </summary>
[Action("request")]
public sealed class Request : ActionHandler
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpConnection connection = HttpConnection.From(context.Auth);
        string? text = HttpInputs.GetString(inputs, "url");
        if (HttpInputs.ParseUrl(text) is not { } url)
        {
            return new ActionError($"url must be an absolute http or https URL, not '{text}'.");
        }

        if (!connection.IsAllowed(url))
        {
            return new ActionError(connection.RefusalMessage(url));
        }

        var method = new HttpMethod((HttpInputs.GetString(inputs, "method") ?? "GET").ToUpperInvariant());
        Dictionary<string, string> headers = connection.Headers(HttpInputs.Get(inputs, "headers"));
        JsonElement timeoutInput = HttpInputs.Get(inputs, "timeout_seconds");
        TimeSpan timeout = TimeSpan.FromSeconds(timeoutInput.ValueKind == JsonValueKind.Number ? timeoutInput.GetInt32() : 30);
        string target = HttpInputs.WithQuery(url, HttpInputs.Get(inputs, "query"));

        JsonElement body = HttpInputs.Get(inputs, "body");
        string? contentType = headers.TryGetValue("Content-Type", out string? type) ? type : null;
        using StringContent? raw = body.ValueKind == JsonValueKind.String ? new StringContent(body.GetString()!, Encoding.UTF8, "text/plain") : null;
        Dictionary<string, string>? form = body.ValueKind == JsonValueKind.Object
            && contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            ? body.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())
            : null;
        object? json = raw is null && form is null && body.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null) ? body : null;

        try
        {
            FetchResponse response = await context.FetchAsync(target, method, json: json, form: form, body: raw, headers: headers, timeout: timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Result(response);
        }
        catch (HttpError ex) when (ex is not RateLimitError)
        {
            return Result(new FetchResponse(ex.Status, ex.Headers, ex.ResponseData));
        }
    }

    /// <summary>
    /// <c>{"status", "headers", "body", "ok"}</c>: the body written as received (a JSON body is copied, not parsed and
    /// serialised again), header names in lower case (as HTTP/2 sends them), so callers can look them up without guessing the case.
    /// </summary>
    private static ActionResult Result(FetchResponse response) =>
        ActionResult.FromJson(response, static (writer, response) =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("status", response.Status);
            writer.WriteStartObject("headers");
            WriteHeaders(writer, response.Headers);
            writer.WriteEndObject();
            writer.WritePropertyName("body");
            response.WriteDataTo(writer);
            writer.WriteBoolean("ok", response.Status is >= 200 and < 300);
            writer.WriteEndObject();
        });

    private static void WriteHeaders(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> headers)
    {
        // FetchAsync's headers are keyed case-insensitively, so their lower-case names are already unique; any other
        // dictionary (a test's, a handler's) may hold names that differ only in case: those are joined with ", ", as
        // FetchAsync joins repeated headers.
        if (headers is not Dictionary<string, string> { Comparer: var comparer } || !ReferenceEquals(comparer, StringComparer.OrdinalIgnoreCase))
        {
            headers = LowerCase(headers);
        }

        Span<char> buffer = stackalloc char[256];
        foreach ((string name, string value) in headers)
        {
            Span<char> lower = name.Length <= buffer.Length ? buffer[..name.Length] : new char[name.Length];
            name.AsSpan().ToLowerInvariant(lower);
            writer.WriteString(lower, value);
        }
    }

    private static Dictionary<string, string> LowerCase(IReadOnlyDictionary<string, string> headers)
    {
        var result = new Dictionary<string, string>(headers.Count, StringComparer.Ordinal);
        foreach ((string name, string value) in headers)
        {
            string key = name.ToLowerInvariant();
            result[key] = result.TryGetValue(key, out string? existing) ? existing + ", " + value : value;
        }

        return result;
    }
}
