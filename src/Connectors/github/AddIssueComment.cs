using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>Inputs of <c>add_issue_comment</c>.</summary>
public sealed record AddIssueCommentInputs(string Owner, string Repo, int IssueNumber, string Body);

/// <summary>Comments on an issue or pull request.</summary>
[Action("add_issue_comment")]
public sealed class AddIssueComment : ActionHandler<AddIssueCommentInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(AddIssueCommentInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        string path = $"{GitHubApi.RepoPath(inputs.Owner, inputs.Repo)}/issues/{inputs.IssueNumber}/comments";
        try
        {
            FetchResponse response = await GitHubApi.SendAsync(
                context, path, HttpMethod.Post, json: new Dictionary<string, string> { ["body"] = inputs.Body }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ActionResult(GitHubJson.Serialize(CommentSummary.From(response.Data)));
        }
        catch (HttpError ex) when (GitHubApi.IsCallerError(ex))
        {
            return GitHubApi.ToActionError(ex, $"Issue #{inputs.IssueNumber} in {inputs.Owner}/{inputs.Repo}");
        }
    }
}
