using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Slack;

/// <summary>Writing results with every documented field present (null when Slack has none).</summary>
internal static class SlackJson
{
    public static JsonSerializerOptions Options { get; } = new(ConnectorJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static JsonElement Serialize<T>(T value) => JsonSerializer.SerializeToElement(value, Options);

    /// <summary>A message as Slack sent it, with the channel added (history messages do not name their channel).</summary>
    public static JsonElement WithChannel(JsonElement message, string channel)
    {
        JsonObject copy = JsonNode.Parse(message.GetRawText())!.AsObject();
        copy["channel"] ??= channel;
        return JsonSerializer.SerializeToElement(copy);
    }
}

/// <summary>A conversation as <c>list_channels</c> returns it.</summary>
internal sealed record ChannelSummary(
    string Id, string? Name, bool IsPrivate, bool IsArchived, bool IsMember, long? NumMembers, string? Topic, string? Purpose, long? Created)
{
    public static ChannelSummary From(JsonElement c) => new(
        SlackApi.String(c, "id") ?? "",
        SlackApi.String(c, "name"),
        SlackApi.Bool(c, "is_private"),
        SlackApi.Bool(c, "is_archived"),
        SlackApi.Bool(c, "is_member"),
        SlackApi.Long(c, "num_members"),
        c.TryGetProperty("topic", out JsonElement topic) ? SlackApi.String(topic, "value") : null,
        c.TryGetProperty("purpose", out JsonElement purpose) ? SlackApi.String(purpose, "value") : null,
        SlackApi.Long(c, "created"));
}

/// <summary>A user as <c>get_user</c> returns it.</summary>
internal sealed record UserSummary(
    string Id, string? TeamId, string? Name, string? RealName, string? DisplayName, string? Email, string? Title,
    bool IsBot, bool IsAdmin, bool Deleted, string? Tz, string? ImageUrl)
{
    public static UserSummary From(JsonElement u)
    {
        JsonElement profile = u.TryGetProperty("profile", out JsonElement p) ? p : default;
        return new UserSummary(
            SlackApi.String(u, "id") ?? "",
            SlackApi.String(u, "team_id"),
            SlackApi.String(u, "name"),
            SlackApi.String(u, "real_name") ?? SlackApi.String(profile, "real_name"),
            NullIfEmpty(SlackApi.String(profile, "display_name")),
            SlackApi.String(profile, "email"),
            NullIfEmpty(SlackApi.String(profile, "title")),
            SlackApi.Bool(u, "is_bot"),
            SlackApi.Bool(u, "is_admin"),
            SlackApi.Bool(u, "deleted"),
            SlackApi.String(u, "tz"),
            SlackApi.String(profile, "image_192") ?? SlackApi.String(profile, "image_72"));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
