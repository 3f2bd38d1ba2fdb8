using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook;

/// <summary>Whose mailbox the token opens: <c>GET /me</c> on the global Graph service.</summary>
[ConnectedAccount]
public sealed class OutlookAccount : ConnectedAccountHandler
{
    /// <summary>The user fields asked for: Graph's documented names.</summary>
    internal const string Fields = "id,displayName,givenName,surname,mail,userPrincipalName,companyName";

    /// <inheritdoc />
    public override async Task<ConnectedAccountInfo> GetAccountInfoAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        FetchResponse response = await GraphApi.SendAsync(
            context, GraphApi.DefaultBaseUrl, "/me", query: new Dictionary<string, object?> { ["$select"] = Fields },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var user = response.Data;
        string? upn = GraphJson.String(user, "userPrincipalName");
        (string? first, string? last) = (GraphJson.String(user, "givenName"), GraphJson.String(user, "surname"));
        if (first is null && last is null)
        {
            (first, last) = SplitName(GraphJson.String(user, "displayName"));
        }

        return new ConnectedAccountInfo
        {
            UserId = GraphJson.String(user, "id"),
            Username = upn,
            // A personal account or an unlicensed user has no mail; the UPN is the sign-in address then.
            Email = GraphJson.String(user, "mail") ?? upn,
            FirstName = first,
            LastName = last,
            Organization = GraphJson.String(user, "companyName"),
        };
    }

    /// <summary>"Megan Bowen" → ("Megan", "Bowen"); one word is a first name only.</summary>
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
