using System.Globalization;
using System.Text.Json;
using Patchbay.Platform.Polling;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Patchbay.Server.Polling;

/// <summary>
/// <c>POST /PollingTick</c>: the Functions host's timer invocation (custom-handler payload in, <c>{"Outputs","Logs","ReturnValue"}</c> out).
/// Standalone it needs an API key like every other route.
/// </summary>
public static class PollingTickApi
{
    public const string FunctionName = "PollingTick";

    public static RouteHandlerBuilder MapPollingTick(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/" + FunctionName, RunAsync).WithName(FunctionName).WithTags("Polling")
            .WithSummary("The timer function: runs one polling tick. The Functions host calls it on PollingSchedule.");

    public static async Task<Ok<TimerInvocationResult>> RunAsync(HttpRequest request, Poller poller, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ILogger logger = loggers.CreateLogger("Patchbay.Polling");
        TimerPayload payload = await ReadPayloadAsync(request, logger, cancellationToken);
        if (payload.IsPastDue) logger.LogInformation("The timer is past due (missed ticks collapse into this one); subscriptions are due by their own state, so nothing is lost");
        // ScheduleStatus.Next, as an invocation receives it, is the occurrence this invocation runs for (the host updates it afterwards).
        PollingTickResult result = payload.ScheduledAt is { } scheduledAt
            ? await poller.RunTickAsync(scheduledAt, cancellationToken)
            : await poller.RunTickAsync(cancellationToken);
        return TypedResults.Ok(new TimerInvocationResult([result.Summary]));
    }

    // The host sends {"Data":{"timer":{"Schedule":...,"ScheduleStatus":{"Last","Next","LastUpdated"}|null,"IsPastDue":bool}},"Metadata":{...}}; anything else still runs the tick.
    private static async Task<TimerPayload> ReadPayloadAsync(HttpRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        string text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text)) return default;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("Data", out JsonElement data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("timer", out JsonElement timer) || timer.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            bool pastDue = timer.TryGetProperty("IsPastDue", out JsonElement isPastDue) && isPastDue.ValueKind == JsonValueKind.True;
            DateTimeOffset? next = timer.TryGetProperty("ScheduleStatus", out JsonElement status) && status.ValueKind == JsonValueKind.Object
                && status.TryGetProperty("Next", out JsonElement nextText) && nextText.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(nextText.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed)
                ? parsed
                : null;
            return new TimerPayload(pastDue, next);
        }
        catch (JsonException)
        {
            logger.LogWarning("The timer payload is not JSON; running the tick anyway");
            return default;
        }
    }

    private readonly record struct TimerPayload(bool IsPastDue, DateTimeOffset? ScheduledAt);
}

/// <summary>What a custom handler answers the host for a non-HTTP function; an empty body would hang the invocation.</summary>
public sealed record TimerInvocationResult(
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs)
{
    [JsonPropertyName("Outputs")] public IReadOnlyDictionary<string, object?> Outputs { get; init; } = new Dictionary<string, object?>();

    [JsonPropertyName("ReturnValue")] public object? ReturnValue { get; init; }
}
