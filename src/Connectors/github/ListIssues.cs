using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>Inputs of <c>list_issues</c>.</summary>
public sealed record ListIssuesInputs(
    string Owner,
    string Repo,
    string State = "open",
    IReadOnlyList<string>? Labels = null,
    string? Since = null,
    int PerPage = 30,
    int Page = 1,
    int? MaxResults = null);

/// <summary>Lists a repository's issues, leaving out the pull requests GitHub mixes in.</summary>
[Action("list_issues")]
public sealed class ListIssues : ActionHandler<ListIssuesInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(ListIssuesInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var query = new Dictionary<string, object?>
        {
            ["state"] = inputs.State,
            ["labels"] = inputs.Labels is { Count: > 0 } labels ? string.Join(',', labels) : null,
            ["since"] = inputs.Since,
            ["per_page"] = inputs.PerPage,
            ["page"] = inputs.Page,
        };

        PageRun run;
        try
        {
            run = await GitHubApi.CollectAsync(
                context, GitHubApi.RepoPath(inputs.Owner, inputs.Repo) + "/issues", query,
                wanted: inputs.MaxResults ?? int.MaxValue,
                maxPages: inputs.MaxResults is null ? 1 : GitHubApi.MaxPages,
                keep: static issue => !GitHubApi.IsPullRequest(issue),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpError ex) when (GitHubApi.IsCallerError(ex))
        {
            return GitHubApi.ToActionError(ex, $"Repository {inputs.Owner}/{inputs.Repo}");
        }

        var issues = run.Items.Select(IssueSummary.From).ToList();
        return new ActionResult(GitHubJson.Serialize(new { issues, count = issues.Count, next_page = run.NextPage }));
    }
}
