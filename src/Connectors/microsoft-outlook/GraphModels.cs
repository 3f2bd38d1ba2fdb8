using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook;

/// <summary>Reads Graph's JSON leniently: a missing or mistyped field is null, never an exception.</summary>
internal static class GraphJson
{
    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Bool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    public static JsonElement Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Object ? v : default;

    public static JsonElement Serialize<T>(T value) => JsonSerializer.SerializeToElement(value, s_options);

    // Every output field is present, null when Graph had no value (the output schemas require them).
    private static readonly JsonSerializerOptions s_options = new(ConnectorJson.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };
}

/// <summary>A recipient: Graph's <c>{"emailAddress": {"name", "address"}}</c> flattened.</summary>
internal sealed record MailAddress(string? Name, string? Address)
{
    public static MailAddress? From(JsonElement recipient)
    {
        JsonElement email = GraphJson.Object(recipient, "emailAddress");
        return email.ValueKind == JsonValueKind.Object ? new MailAddress(GraphJson.String(email, "name"), GraphJson.String(email, "address")) : null;
    }

    public static IReadOnlyList<MailAddress> List(JsonElement message, string name) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out JsonElement list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(From).OfType<MailAddress>()]
            : [];
}

/// <summary>What list_messages and new_messages return for a message (the fields of <see cref="GraphApi.SummaryFields"/>).</summary>
internal sealed record MessageSummary(
    string Id,
    string? ConversationId,
    string? Subject,
    string? BodyPreview,
    MailAddress? From,
    IReadOnlyList<MailAddress> To,
    IReadOnlyList<MailAddress> Cc,
    string? ReceivedAt,
    string? SentAt,
    bool IsRead,
    bool IsDraft,
    bool HasAttachments,
    string? Importance,
    string? WebLink)
{
    public static MessageSummary Read(JsonElement m) => new(
        GraphJson.String(m, "id") ?? throw new InvalidDataException("Graph answered a message without an id."),
        GraphJson.String(m, "conversationId"),
        GraphJson.String(m, "subject"),
        GraphJson.String(m, "bodyPreview"),
        MailAddress.From(GraphJson.Object(m, "from")),
        MailAddress.List(m, "toRecipients"),
        MailAddress.List(m, "ccRecipients"),
        GraphJson.String(m, "receivedDateTime"),
        GraphJson.String(m, "sentDateTime"),
        GraphJson.Bool(m, "isRead"),
        GraphJson.Bool(m, "isDraft"),
        GraphJson.Bool(m, "hasAttachments"),
        GraphJson.String(m, "importance"),
        GraphJson.String(m, "webLink"));
}

/// <summary>What get_message returns: the summary plus the body and every recipient.</summary>
internal sealed record FullMessage(
    string Id,
    string? ConversationId,
    string? Subject,
    string? BodyPreview,
    MailAddress? From,
    IReadOnlyList<MailAddress> To,
    IReadOnlyList<MailAddress> Cc,
    IReadOnlyList<MailAddress> Bcc,
    IReadOnlyList<MailAddress> ReplyTo,
    string? ReceivedAt,
    string? SentAt,
    bool IsRead,
    bool IsDraft,
    bool HasAttachments,
    string? Importance,
    string? WebLink,
    string? BodyType,
    string? Body)
{
    public static FullMessage Read(JsonElement m)
    {
        MessageSummary s = MessageSummary.Read(m);
        JsonElement body = GraphJson.Object(m, "body");
        return new FullMessage(
            s.Id, s.ConversationId, s.Subject, s.BodyPreview, s.From, s.To, s.Cc,
            MailAddress.List(m, "bccRecipients"), MailAddress.List(m, "replyTo"),
            s.ReceivedAt, s.SentAt, s.IsRead, s.IsDraft, s.HasAttachments, s.Importance, s.WebLink,
            GraphJson.String(body, "contentType")?.ToLowerInvariant(), GraphJson.String(body, "content"));
    }
}
