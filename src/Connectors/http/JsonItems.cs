using System.Text.Json;
using Microsoft.Extensions.Logging;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Http;

/// <summary>
/// GETs a JSON endpoint and emits every item of the array at <c>items_path</c>, keyed by <c>id_field</c>.
/// The endpoint has no notion of "since", so every poll returns the current items and the platform's
/// delivered-id set passes on only the new ones.
/// </summary>
[PollingTrigger("json_items")]
public sealed partial class JsonItems : PollingTriggerHandler
{
    /// <inheritdoc />
    /// <exception cref="FetchBlockedException">The URL's host is outside the connection's allowed_hosts.</exception>
    /// <exception cref="InvalidDataException">The answer is not JSON, or items_path does not lead to an array.</exception>
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpConnection connection = HttpConnection.From(context.Auth);
        Uri url = HttpInputs.ParseUrl(HttpInputs.GetString(inputs, "url"))
            ?? throw new ValidationError(ValidationTarget.Inputs, "http.json_items", [new FieldError("/url", "must be an absolute http or https URL")]);
        if (!connection.IsAllowed(url))
        {
            throw new FetchBlockedException(connection.RefusalMessage(url));
        }

        string itemsPath = HttpInputs.GetString(inputs, "items_path") ?? string.Empty;
        string idField = HttpInputs.GetString(inputs, "id_field") is { Length: > 0 } field ? field : "id";
        FetchResponse response = await context.FetchAsync(
            HttpInputs.WithQuery(url, HttpInputs.Get(inputs, "query")),
            headers: connection.Headers(HttpInputs.Get(inputs, "headers")),
            cancellationToken: cancellationToken).ConfigureAwait(false);

        string where = url.Host + url.AbsolutePath;
        if (response.Data.ValueKind is JsonValueKind.String or JsonValueKind.Undefined)
        {
            throw new InvalidDataException($"The response from {where} is not JSON ({(response.Headers.TryGetValue("Content-Type", out string? type) ? type : "no content type")}).");
        }

        if (!HttpInputs.TryResolvePointer(response.Data, itemsPath, out JsonElement items))
        {
            throw new InvalidDataException($"items_path '{itemsPath}' does not exist in the response from {where}; its top level has {Describe(response.Data)}.");
        }

        if (items.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"items_path '{itemsPath}' in the response from {where} is {Article(items.ValueKind)}, not an array.");
        }

        var records = new List<PollRecord>(items.GetArrayLength());
        int index = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            JsonElement id = default;
            bool found = item.ValueKind == JsonValueKind.Object && (idField[0] == '/'
                ? HttpInputs.TryResolvePointer(item, idField, out id)
                : item.TryGetProperty(idField, out id));
            if (found && (id.ValueKind == JsonValueKind.Number || (id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 0)))
            {
                records.Add(new PollRecord(id.Clone(), item.Clone()));
            }
            else
            {
                LogSkipped(context.Logger, index, idField, where);
            }

            index++;
        }

        return records;
    }

    private static string Describe(JsonElement data) => data.ValueKind == JsonValueKind.Object
        ? "the keys " + string.Join(", ", data.EnumerateObject().Take(10).Select(p => "/" + p.Name))
        : Article(data.ValueKind);

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "a " + kind.ToString().ToLowerInvariant(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped item {Index} from {Target}: it has no string or number '{IdField}'")]
    private static partial void LogSkipped(ILogger logger, int index, string idField, string target);
}
