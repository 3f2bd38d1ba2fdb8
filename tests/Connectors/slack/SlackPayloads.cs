using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Patchbay.Connectors.Slack.Tests;

/// <summary>Web API answers shaped like Slack's documented examples.</summary>
internal static class SlackPayloads
{
    public const string Origin = "https://slack.com";

    public static Dictionary<string, object?> Channel(string id, string name, bool isPrivate = false, bool isMember = true) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["is_channel"] = !isPrivate,
        ["is_group"] = isPrivate,
        ["is_im"] = false,
        ["is_mpim"] = false,
        ["is_private"] = isPrivate,
        ["created"] = 1449252889,
        ["is_archived"] = false,
        ["is_general"] = name == "general",
        ["unlinked"] = 0,
        ["name_normalized"] = name,
        ["is_shared"] = false,
        ["is_org_shared"] = false,
        ["is_pending_ext_shared"] = false,
        ["pending_shared"] = Array.Empty<string>(),
        ["context_team_id"] = "T012AB3C4",
        ["updated"] = 1678229664302,
        ["parent_conversation"] = null,
        ["creator"] = "U012A3CDE",
        ["is_ext_shared"] = false,
        ["shared_team_ids"] = new[] { "T012AB3C4" },
        ["is_member"] = isMember,
        ["topic"] = new { value = "Company-wide announcements and work-based matters", creator = "U012A3CDE", last_set = 1449709364 },
        ["purpose"] = new { value = "This channel is for team-wide communication.", creator = "U012A3CDE", last_set = 1449709364 },
        ["previous_names"] = Array.Empty<string>(),
        ["num_members"] = 4,
    };

    public static Dictionary<string, object?> Message(string ts, string text, string user = "U123ABC456") => new()
    {
        ["type"] = "message",
        ["user"] = user,
        ["text"] = text,
        ["ts"] = ts,
        ["team"] = "T012AB3C4",
        ["blocks"] = new object[] { new { type = "rich_text", block_id = "2FVh", elements = Array.Empty<object>() } },
    };

    /// <summary>Slack's answer to a history page: <c>has_more</c> and a cursor when another page exists.</summary>
    public static Dictionary<string, object?> History(IEnumerable<object> messages, string? nextCursor = null) => new()
    {
        ["ok"] = true,
        ["messages"] = messages.ToArray(),
        ["has_more"] = nextCursor is not null,
        ["pin_count"] = 0,
        ["channel_actions_ts"] = null,
        ["channel_actions_count"] = 0,
        ["response_metadata"] = new { next_cursor = nextCursor ?? "" },
    };

    public static Dictionary<string, object?> Failure(string error) => new() { ["ok"] = false, ["error"] = error };

    /// <summary>Slack always answers JSON, usually with HTTP 200 even for failures.</summary>
    public static IResult Json(object body, int status = 200) =>
        Results.Content(JsonSerializer.Serialize(body), "application/json; charset=utf-8", statusCode: status);
}
