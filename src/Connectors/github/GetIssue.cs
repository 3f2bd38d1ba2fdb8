using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>Inputs of <c>get_issue</c>.</summary>
public sealed record GetIssueInputs(string Owner, string Repo, int IssueNumber);

/// <summary>Gets one issue by number.</summary>
[Action("get_issue")]
public sealed class GetIssue : ActionHandler<GetIssueInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(GetIssueInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        string path = $"{GitHubApi.RepoPath(inputs.Owner, inputs.Repo)}/issues/{inputs.IssueNumber}";
        try
        {
            FetchResponse response = await GitHubApi.SendAsync(context, path, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ActionResult(GitHubJson.Serialize(IssueSummary.From(response.Data)));
        }
        catch (HttpError ex) when (GitHubApi.IsCallerError(ex))
        {
            return GitHubApi.ToActionError(ex, $"Issue #{inputs.IssueNumber} in {inputs.Owner}/{inputs.Repo}");
        }
    }
}
