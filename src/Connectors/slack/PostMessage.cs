using System.Text.Json;
using System.Text.Json.Nodes;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Slack;

/// <summary>Posts a message with <c>chat.postMessage</c>.</summary>
[Action("post_message")]
public sealed class PostMessage : ActionHandler
{
    private static readonly string[] s_fields = ["channel", "text", "thread_ts", "blocks", "unfurl_links"];

    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        // The inputs already have chat.postMessage's argument names; copy the known ones as they are (blocks stay raw JSON).
        var body = new JsonObject();
        foreach (string field in s_fields)
        {
            if (inputs.TryGetProperty(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                body[field] = JsonNode.Parse(value.GetRawText());
            }
        }

        JsonElement data;
        try
        {
            data = await SlackApi.PostJsonAsync(context, "chat.postMessage", JsonSerializer.SerializeToElement(body), cancellationToken).ConfigureAwait(false);
        }
        catch (SlackApiException ex)
        {
            return new ActionError(ex.Message);
        }

        var result = new JsonObject
        {
            ["channel"] = SlackApi.String(data, "channel"),
            ["ts"] = SlackApi.String(data, "ts"),
        };
        if (data.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.Object)
        {
            result["message"] = JsonNode.Parse(message.GetRawText());
        }

        return new ActionResult(JsonSerializer.SerializeToElement(result));
    }
}
