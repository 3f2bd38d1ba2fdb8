using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>
/// Emits issues opened since the previous poll (pull requests left out), keyed by GitHub's issue id.
/// The first poll returns the open issues, which the platform keeps as its baseline.
/// </summary>
/// <remarks>
/// GitHub's <c>since</c> filters by <em>update</em> time, so the handler asks for everything updated since the
/// last poll, newest-created first, keeps the issues created after it and stops paging at the first older one.
/// The window starts <see cref="Overlap"/> early: GitHub's timestamps have whole seconds and a just-created issue
/// can take a moment to be listed, and the platform drops ids it already delivered.
/// </remarks>
[PollingTrigger("new_issues")]
public sealed partial class NewIssues : PollingTriggerHandler
{
    /// <summary>How far before the last poll the window starts.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    /// <summary>Pages of open issues read on the first poll.</summary>
    private const int BaselinePages = 3;

    private const int PageSize = 100;

    /// <inheritdoc />
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string owner = inputs.GetProperty("owner").GetString()!;
        string repo = inputs.GetProperty("repo").GetString()!;
        string path = GitHubApi.RepoPath(owner, repo) + "/issues";

        PageRun run;
        if (lastPollTs is not { } last)
        {
            var query = new Dictionary<string, object?> { ["state"] = "open", ["sort"] = "created", ["direction"] = "desc", ["per_page"] = PageSize };
            run = await GitHubApi.CollectAsync(context, path, query, int.MaxValue, BaselinePages, static i => !GitHubApi.IsPullRequest(i), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            DateTimeOffset cutoff = last.ToUniversalTime() - Overlap;
            var query = new Dictionary<string, object?>
            {
                ["state"] = "all",
                ["sort"] = "created",
                ["direction"] = "desc",
                ["since"] = cutoff.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["per_page"] = PageSize,
            };
            run = await GitHubApi.CollectAsync(
                context, path, query, int.MaxValue, GitHubApi.MaxPages,
                keep: i => !GitHubApi.IsPullRequest(i) && GitHubJson.Date(i, "created_at") is { } created && created > cutoff,
                stopAt: i => GitHubJson.Date(i, "created_at") is { } created && created <= cutoff,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (run.NextPage is not null)
            {
                LogTruncated(context.Logger, owner, repo, GitHubApi.MaxPages * PageSize);
            }
        }

        // Oldest first, so subscribers hear about issues in the order they were opened.
        var records = new List<PollRecord>(run.Items.Count);
        for (int i = run.Items.Count - 1; i >= 0; i--)
        {
            JsonElement issue = run.Items[i];
            records.Add(new PollRecord(GitHubJson.Long(issue, "id"), GitHubJson.Serialize(IssueSummary.From(issue))));
        }

        return records;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "More than {Limit} issues changed in {Owner}/{Repo} since the last poll; only the newest were read")]
    private static partial void LogTruncated(ILogger logger, string owner, string repo, int limit);
}
