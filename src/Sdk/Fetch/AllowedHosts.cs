namespace Patchbay.Sdk.Fetch;

/// <summary>Matches hosts against a connector's <c>allowed_hosts</c>: exact names, or <c>*.example.com</c> for subdomains only.</summary>
/// <remarks>Public so a connector with its own host list (a connection's <c>allowed_hosts</c>) matches exactly as FetchAsync does.</remarks>
public static class AllowedHosts
{
    /// <summary>Whether <paramref name="uri"/>'s host is in <paramref name="allowedHosts"/>; an empty list allows every host.</summary>
    public static bool IsAllowed(IReadOnlyList<string> allowedHosts, Uri uri)
    {
        if (allowedHosts.Count == 0)
        {
            return true;
        }

        string host = Normalize(uri.IdnHost);
        foreach (string entry in allowedHosts)
        {
            string pattern = Normalize(entry);
            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                string suffix = pattern[1..];
                if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase)
                     || string.Equals(uri.DnsSafeHost, pattern, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <exception cref="FetchBlockedException">The URL's host is outside <paramref name="allowedHosts"/>.</exception>
    internal static void ThrowIfNotAllowed(IReadOnlyList<string> allowedHosts, Uri uri, bool redirect)
    {
        if (!IsAllowed(allowedHosts, uri))
        {
            throw new FetchBlockedException(redirect
                ? $"Redirect to {uri.Host} blocked: the host is not in allowed_hosts."
                : $"Request to {uri.Host} blocked: the host is not in allowed_hosts.");
        }
    }

    private static string Normalize(string host) => host.Trim().TrimEnd('.');
}
