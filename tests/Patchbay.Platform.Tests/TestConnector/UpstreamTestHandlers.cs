using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Platform.Tests.TestConnector;

[Action("get_thing")]
public sealed class GetThing : ActionHandler
{
    public override async Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        string url = inputs.GetProperty("base_url").GetString()!.TrimEnd('/') + inputs.GetProperty("path").GetString();
        TimeSpan? timeout = inputs.TryGetProperty("timeout_ms", out JsonElement ms) ? TimeSpan.FromMilliseconds(ms.GetInt32()) : null;
        FetchResponse response = await context.FetchAsync(url, query: new Dictionary<string, object?> { ["limit"] = inputs.GetProperty("limit").GetInt32() }, timeout: timeout, cancellationToken: cancellationToken);
        context.Logger.LogThing(url);
        return ActionResult.From(new { status = response.Status, body = response.Data });
    }
}

[Action("bad_output")]
public sealed class BadOutput : ActionHandler
{
    public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ActionOutcome>(ActionResult.From(new { name = "no id" }));
}

[PollingTrigger("items")]
public sealed class Items : PollingTriggerHandler
{
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        FetchResponse response = await context.FetchAsync(inputs.GetProperty("base_url").GetString()!.TrimEnd('/') + "/items", cancellationToken: cancellationToken);
        return [.. response.Data.EnumerateArray().Select(item => new PollRecord(item.GetProperty("id"), item))];
    }
}

[PollingTrigger("items_5m")]
public sealed class ItemsEveryFiveMinutes : PollingTriggerHandler
{
    public override Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken) =>
        new Items().PollAsync(inputs, lastPollTs, context, cancellationToken);
}

[ConnectedAccount]
public sealed class Account : ConnectedAccountHandler
{
    // The account check calls the upstream's /me, whose address the tests set before creating connections.
    public static string BaseUrl { get; set; } = "http://127.0.0.1:1";

    public override async Task<ConnectedAccountInfo> GetAccountInfoAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        FetchResponse me = await context.FetchAsync(BaseUrl.TrimEnd('/') + "/me", cancellationToken: cancellationToken);
        return new ConnectedAccountInfo { Username = me.Data.GetProperty("login").GetString(), UserId = me.Data.TryGetProperty("id", out JsonElement id) ? id.ToString() : null, FirstName = me.Data.TryGetProperty("name", out JsonElement name) ? name.GetString()?.Split(' ')[0] : null };
    }
}

internal static partial class Log
{
    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Fetched {Url}")]
    public static partial void LogThing(this Microsoft.Extensions.Logging.ILogger logger, string url);
}
