using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook;

/// <summary>Inputs of <c>send_mail</c>.</summary>
public sealed record SendMailInputs(
    IReadOnlyList<string> To,
    string Subject,
    string Body,
    IReadOnlyList<string>? Cc = null,
    IReadOnlyList<string>? Bcc = null,
    string BodyType = "text",
    bool SaveToSentItems = true,
    string BaseUrl = GraphApi.DefaultBaseUrl);

/// <summary>Sends mail as the signed-in user: <c>POST /me/sendMail</c>, which Graph answers 202 with no body.</summary>
/// <remarks>
/// The SDK does not retry a POST after it reached Graph (only a refused connection, or a 429/503 with a short
/// Retry-After, which Graph sends before accepting anything), so a message is not sent twice.
/// </remarks>
[Action("send_mail")]
public sealed class SendMail : ActionHandler<SendMailInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(SendMailInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var message = new Dictionary<string, object>
        {
            ["subject"] = inputs.Subject,
            ["body"] = new Dictionary<string, string> { ["contentType"] = inputs.BodyType == "html" ? "HTML" : "Text", ["content"] = inputs.Body },
            ["toRecipients"] = Recipients(inputs.To),
        };
        if (inputs.Cc is { Count: > 0 } cc) message["ccRecipients"] = Recipients(cc);
        if (inputs.Bcc is { Count: > 0 } bcc) message["bccRecipients"] = Recipients(bcc);
        var body = new Dictionary<string, object> { ["message"] = message, ["saveToSentItems"] = inputs.SaveToSentItems };

        try
        {
            await GraphApi.SendAsync(context, inputs.BaseUrl.TrimEnd('/'), "/me/sendMail", HttpMethod.Post, json: body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpError ex) when (GraphApi.IsCallerError(ex))
        {
            return GraphApi.ToActionError(ex, "The message");
        }

        int recipients = inputs.To.Count + (inputs.Cc?.Count ?? 0) + (inputs.Bcc?.Count ?? 0);
        return new ActionResult(GraphJson.Serialize(new { sent = true, recipients }));
    }

    private static object[] Recipients(IReadOnlyList<string> addresses) =>
        [.. addresses.Select(a => new { emailAddress = new { address = a } })];
}
