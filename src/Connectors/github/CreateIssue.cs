using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>Inputs of <c>create_issue</c>.</summary>
public sealed record CreateIssueInputs(
    string Owner,
    string Repo,
    string Title,
    string? Body = null,
    IReadOnlyList<string>? Labels = null,
    IReadOnlyList<string>? Assignees = null);

/// <summary>Opens an issue.</summary>
[Action("create_issue")]
public sealed class CreateIssue : ActionHandler<CreateIssueInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(CreateIssueInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // Only the fields the caller gave: GitHub treats "labels": null differently from no labels key.
        var body = new Dictionary<string, object> { ["title"] = inputs.Title };
        if (inputs.Body is not null) body["body"] = inputs.Body;
        if (inputs.Labels is not null) body["labels"] = inputs.Labels;
        if (inputs.Assignees is not null) body["assignees"] = inputs.Assignees;

        try
        {
            FetchResponse response = await GitHubApi.SendAsync(
                context, GitHubApi.RepoPath(inputs.Owner, inputs.Repo) + "/issues", HttpMethod.Post, json: body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ActionResult(GitHubJson.Serialize(IssueSummary.From(response.Data)));
        }
        catch (HttpError ex) when (GitHubApi.IsCallerError(ex))
        {
            return GitHubApi.ToActionError(ex, $"Repository {inputs.Owner}/{inputs.Repo}");
        }
    }
}
