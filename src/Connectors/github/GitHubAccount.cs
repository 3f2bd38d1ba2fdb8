using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>Who the token belongs to: <c>GET /user</c>.</summary>
[ConnectedAccount]
public sealed class GitHubAccount : ConnectedAccountHandler
{
    /// <inheritdoc />
    public override async Task<ConnectedAccountInfo> GetAccountInfoAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        FetchResponse response = await GitHubApi.SendAsync(context, "/user", cancellationToken: cancellationToken).ConfigureAwait(false);
        var user = response.Data;
        (string? first, string? last) = SplitName(GitHubJson.String(user, "name"));
        return new ConnectedAccountInfo
        {
            Username = GitHubJson.String(user, "login"),
            UserId = GitHubJson.Long(user, "id") is var id and > 0 ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            Email = GitHubJson.String(user, "email"),
            FirstName = first,
            LastName = last,
            AvatarUrl = GitHubJson.String(user, "avatar_url"),
            Organization = GitHubJson.String(user, "company"),
        };
    }

    /// <summary>"Mona Lisa Octocat" → ("Mona", "Lisa Octocat"); one word is a first name only.</summary>
    internal static (string? First, string? Last) SplitName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return (null, null);
        }

        string trimmed = name.Trim();
        int space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (trimmed, null) : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }
}
