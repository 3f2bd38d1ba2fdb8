using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Polling;

/// <summary>
/// One message of a polling tick: a batch of due-index entries (subscription id and the index row's key, which the
/// batch step treats as opaque) and the tick's scheduled time. The tick (the dispatch step) writes batches to the
/// <c>PollingQueue</c> Storage queue under the Functions host, or to an in-process channel standalone; the batch step
/// (<see cref="Poller.RunBatchAsync"/>) claims, polls and delivers each subscription in it.
/// </summary>
/// <remarks>
/// The text is JSON, at most <see cref="MaxTextChars"/> characters (so its base64 form fits a Storage queue message):
/// <c>{"v":1,"tick":"tick_…","scheduled_at":"2026-11-30T04:00:00.0000000+00:00","dispatched_at":"…","due":[{"id":"sub_…","key":"…"}]}</c>.
/// <c>scheduled_at</c> is null when the tick ran as of the clock. A message is safe to run twice or late: the
/// subscription's claim (an If-Match write) stays the guard, and a subscription that is no longer due is left alone.
/// </remarks>
public sealed class PollBatch
{
    /// <summary>The message format's version; a message with another version is dropped (its subscriptions stay due for the next tick).</summary>
    public const int Version = 1;

    /// <summary>Due-index entries per message: 32 keeps a message small (about 8 KB) and lets the Functions host spread a tick over instances.</summary>
    public const int MaxEntries = 32;

    /// <summary>The longest subscription id a message carries.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The longest due-index key a message carries (today's: the due row's key with its lease and ETag, about 215 characters).</summary>
    public const int MaxKeyLength = 256;

    /// <summary>The longest tick id a message carries.</summary>
    public const int MaxTickIdLength = 64;

    /// <summary>
    /// The longest message text: 48 KiB, whose base64 form is the 64 KiB a Storage queue message holds. A full batch
    /// (32 entries of the longest id and key) is about 11 KB.
    /// </summary>
    public const int MaxTextChars = 48 * 1024;

    public PollBatch(string tickId, DateTimeOffset? scheduledAt, DateTimeOffset dispatchedAt, IReadOnlyList<DueEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(tickId);
        ArgumentNullException.ThrowIfNull(entries);
        if (tickId.Length > MaxTickIdLength) throw new ArgumentException($"A tick id has at most {MaxTickIdLength} characters.", nameof(tickId));
        if (entries.Count is 0 or > MaxEntries) throw new ArgumentException($"A poll batch holds 1 to {MaxEntries} due entries, not {entries.Count}.", nameof(entries));
        foreach (DueEntry entry in entries)
        {
            if (CheckEntry(entry.SubscriptionId, entry.Key) is { } problem) throw new ArgumentException(problem, nameof(entries));
        }

        TickId = tickId;
        ScheduledAt = scheduledAt;
        DispatchedAt = dispatchedAt;
        Entries = entries;
    }

    /// <summary>The tick that wrote the batch (log lines and lease owners carry it).</summary>
    public string TickId { get; }

    /// <summary>The <c>PollingSchedule</c> occurrence the tick ran for; null when it ran as of the clock.</summary>
    public DateTimeOffset? ScheduledAt { get; }

    /// <summary>When the tick wrote the batch.</summary>
    public DateTimeOffset DispatchedAt { get; }

    /// <summary>Due-index entries, oldest first, one per subscription.</summary>
    public IReadOnlyList<DueEntry> Entries { get; }

    /// <summary>The message text (JSON, UTF-16 characters; at most <see cref="MaxTextChars"/>).</summary>
    public string ToText()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            json.WriteString("tick", TickId);
            if (ScheduledAt is { } scheduled) json.WriteString("scheduled_at", scheduled);
            else json.WriteNull("scheduled_at");
            json.WriteString("dispatched_at", DispatchedAt);
            json.WriteStartArray("due");
            foreach (DueEntry entry in Entries)
            {
                json.WriteStartObject();
                json.WriteString("id", entry.SubscriptionId);
                json.WriteString("key", entry.Key);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads a message. Never throws for a bad one: <paramref name="problem"/> says what is wrong with it (not JSON, another
    /// version, a missing or oversized field, too many entries), so the caller can log it and drop the message.
    /// </summary>
    public static bool TryParse(string? text, out PollBatch? batch, out string? problem)
    {
        batch = null;
        problem = Parse(text, ref batch);
        return problem is null;
    }

    private static string? Parse(string? text, ref PollBatch? batch)
    {
        if (string.IsNullOrWhiteSpace(text)) return "The message is empty.";
        if (text.Length > MaxTextChars) return $"The message has {text.Length} characters; a poll batch has at most {MaxTextChars}.";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            return $"The message is not JSON ({ex.Message}).";
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "The message is not a JSON object.";
            if (!root.TryGetProperty("v", out JsonElement version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v != Version)
            {
                return $"The message's \"v\" is not {Version}: it was written by another version of Patchbay.";
            }

            if (!root.TryGetProperty("tick", out JsonElement tick) || tick.ValueKind != JsonValueKind.String || tick.GetString() is not { Length: > 0 and <= MaxTickIdLength } tickId)
            {
                return $"The message's \"tick\" is not a string of 1 to {MaxTickIdLength} characters.";
            }

            DateTimeOffset? scheduledAt = null;
            if (root.TryGetProperty("scheduled_at", out JsonElement scheduled) && scheduled.ValueKind != JsonValueKind.Null)
            {
                if (scheduled.ValueKind != JsonValueKind.String || !scheduled.TryGetDateTimeOffset(out DateTimeOffset at)) return "The message's \"scheduled_at\" is not a date-time or null.";
                scheduledAt = at;
            }

            if (!root.TryGetProperty("dispatched_at", out JsonElement dispatched) || dispatched.ValueKind != JsonValueKind.String || !dispatched.TryGetDateTimeOffset(out DateTimeOffset dispatchedAt))
            {
                return "The message's \"dispatched_at\" is not a date-time.";
            }

            if (!root.TryGetProperty("due", out JsonElement due) || due.ValueKind != JsonValueKind.Array) return "The message has no \"due\" array.";
            int count = due.GetArrayLength();
            if (count is 0 or > MaxEntries) return $"The message's \"due\" has {count} entries; a poll batch has 1 to {MaxEntries}.";
            var entries = new List<DueEntry>(count);
            foreach (JsonElement item in due.EnumerateArray())
            {
                string? id = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out JsonElement idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
                string? key = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("key", out JsonElement keyValue) && keyValue.ValueKind == JsonValueKind.String ? keyValue.GetString() : null;
                if (CheckEntry(id, key) is { } entryProblem) return $"Entry {entries.Count} of \"due\": {entryProblem}";
                entries.Add(new DueEntry(key!, id!));
            }

            batch = new PollBatch(tickId, scheduledAt, dispatchedAt, entries);
            return null;
        }
    }

    private static string? CheckEntry(string? id, string? key)
    {
        if (id is not { Length: > 0 and <= MaxIdLength } || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return $"\"id\" is not a subscription id (1 to {MaxIdLength} ASCII letters, digits, '_' or '-').";
        }

        if (key is not { Length: > 0 and <= MaxKeyLength } || key.Any(char.IsControl))
        {
            return $"\"key\" is not a due-index key (1 to {MaxKeyLength} characters, no control characters).";
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TickId} ({Entries.Count} due entries)");
}
