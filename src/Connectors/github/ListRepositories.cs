using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>Inputs of <c>list_repositories</c>.</summary>
public sealed record ListRepositoriesInputs(
    string Visibility = "all",
    string Affiliation = "owner,collaborator,organization_member",
    string Sort = "full_name",
    string? Direction = null,
    int PerPage = 30,
    int Page = 1,
    int? MaxResults = null);

/// <summary>Lists the authenticated user's repositories: one page, or up to max_results across pages.</summary>
[Action("list_repositories")]
public sealed class ListRepositories : ActionHandler<ListRepositoriesInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(ListRepositoriesInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var query = new Dictionary<string, object?>
        {
            ["visibility"] = inputs.Visibility,
            ["affiliation"] = inputs.Affiliation,
            ["sort"] = inputs.Sort,
            ["direction"] = inputs.Direction,
            ["per_page"] = inputs.PerPage,
            ["page"] = inputs.Page,
        };

        PageRun run;
        try
        {
            run = await GitHubApi.CollectAsync(
                context, "/user/repos", query,
                wanted: inputs.MaxResults ?? int.MaxValue,
                maxPages: inputs.MaxResults is null ? 1 : GitHubApi.MaxPages,
                keep: static _ => true,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpError ex) when (GitHubApi.IsCallerError(ex))
        {
            return GitHubApi.ToActionError(ex, "The repository list");
        }

        var repositories = run.Items.Select(RepositorySummary.From).ToList();
        return new ActionResult(GitHubJson.Serialize(new { repositories, count = repositories.Count, next_page = run.NextPage }));
    }
}
