using System.Globalization;
using System.Text.Json;

namespace Patchbay.Sdk.Tests.SampleConnector;

// A small connector written the way connector authors write them; the tests run it against a loopback server.
internal static class Notes
{
    public const string BaseUrl = "https://notes.example.test";
}

[Action("list_notes")]
public sealed class ListNotes : ActionHandler
{
    public override async Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        int limit = inputs.GetProperty("limit").GetInt32();
        FetchResponse response = await context.FetchAsync($"{Notes.BaseUrl}/notes", query: new Dictionary<string, object?> { ["limit"] = limit }, cancellationToken: cancellationToken);
        return ActionResult.From(new { notes = response.Data, count = response.Data.GetArrayLength() });
    }
}

public sealed record NoteTag(int Weight);

public sealed record CreateNoteInputs(string Title, bool Pinned, int Priority = 0, IReadOnlyList<NoteTag>? Tags = null);

[Action("create_note")]
public sealed class CreateNote : ActionHandler<CreateNoteInputs>
{
    public override async Task<ActionOutcome> ExecuteAsync(CreateNoteInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        FetchResponse response = await context.FetchAsync($"{Notes.BaseUrl}/notes", HttpMethod.Post, json: new { title = inputs.Title, pinned = inputs.Pinned, priority = inputs.Priority, weights = inputs.Tags?.Select(t => t.Weight).ToArray() ?? [] }, cancellationToken: cancellationToken);
        return new ActionResult(response.Data) { CostUsd = 0.01m };
    }
}

[Action("get_note")]
public sealed class GetNote : ActionHandler
{
    public override async Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        string id = inputs.GetProperty("note_id").GetInt64().ToString(CultureInfo.InvariantCulture);
        try
        {
            FetchResponse response = await context.FetchAsync($"{Notes.BaseUrl}/notes/{id}", cancellationToken: cancellationToken);
            return new ActionResult(response.Data);
        }
        catch (HttpError ex) when (ex.Status == 404)
        {
            return new ActionError($"Note {id} does not exist") { CostUsd = 0.001m };
        }
    }
}

[Action("broken_output")]
public sealed class BrokenOutput : ActionHandler
{
    public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ActionOutcome>(ActionResult.From(new { id = "not-a-number" }));
}

[PollingTrigger("new_notes")]
public sealed class NewNotes : PollingTriggerHandler
{
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        var query = new Dictionary<string, object?>
        {
            ["folder"] = inputs.GetProperty("folder").GetString(),
            ["since"] = lastPollTs?.ToString("O", CultureInfo.InvariantCulture),
        };
        int max = inputs.TryGetProperty("max_notes", out JsonElement m) ? m.GetInt32() : int.MaxValue;
        FetchResponse response = await context.FetchAsync($"{Notes.BaseUrl}/notes", query: query, cancellationToken: cancellationToken);
        var records = new List<PollRecord>();
        foreach (JsonElement note in response.Data.EnumerateArray().Take(max))
        {
            records.Add(new PollRecord(note.GetProperty("id"), note));
        }

        return records;
    }
}

[ConnectedAccount]
public sealed class NotesAccount : ConnectedAccountHandler
{
    public override async Task<ConnectedAccountInfo> GetAccountInfoAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        FetchResponse me = await context.FetchAsync($"{Notes.BaseUrl}/me", cancellationToken: cancellationToken);
        return new ConnectedAccountInfo { Email = me.Data.GetProperty("email").GetString(), Username = me.Data.GetProperty("login").GetString() };
    }
}
