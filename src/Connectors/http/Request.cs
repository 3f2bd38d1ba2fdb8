using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
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
    private static readonly JsonSerializerOptions s_output = new(ConnectorJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

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
            return Result(response.Status, LowerCase(response.Headers), response.Data);
        }
        catch (HttpError ex) when (ex is not RateLimitError)
        {
            return Result(ex.Status, LowerCase(ex.Headers), ex.ResponseData);
        }
    }

    /// <summary>Header names in lower case (as HTTP/2 sends them), so callers can look them up without guessing the case.</summary>
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

    private static ActionResult Result(int status, IReadOnlyDictionary<string, string> headers, JsonElement body) =>
        new(JsonSerializer.SerializeToElement(
            new RequestResult(status, headers, body.ValueKind == JsonValueKind.Undefined ? null : body, status is >= 200 and < 300),
            s_output));

    private sealed record RequestResult(int Status, IReadOnlyDictionary<string, string> Headers, JsonElement? Body, bool Ok);
}
