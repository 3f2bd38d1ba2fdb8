using System.Text;
using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Http;

/// <summary>
/// What a connection's credentials say: the header that authenticates requests and the hosts the
/// connection may call. The handler sends the credential itself as an explicit header, because the
/// method (bearer, API key, Basic) and the API key's header name are chosen per connection.
/// </summary>
internal sealed class HttpConnection
{
    private HttpConnection(string? credentialHeader, string? credentialValue, IReadOnlyList<string> allowedHosts)
    {
        CredentialHeader = credentialHeader;
        CredentialValue = credentialValue;
        AllowedHosts = allowedHosts;
    }

    public string? CredentialHeader { get; }

    public string? CredentialValue { get; }

    /// <summary>Exact host names or <c>*.example.com</c> (subdomains only); empty: any public host.</summary>
    public IReadOnlyList<string> AllowedHosts { get; }

    /// <exception cref="ValidationError">The credentials the auth method needs are missing (<see cref="ValidationTarget.Auth"/>).</exception>
    public static HttpConnection From(ConnectorAuth auth)
    {
        string method = auth.GetCredential("auth_method") ?? "none";
        IReadOnlyList<string> hosts = ReadHosts(auth.Credentials);
        return method switch
        {
            "none" => new HttpConnection(null, null, hosts),
            "bearer" => new HttpConnection("Authorization", "Bearer " + Require(auth, "token", method), hosts),
            "api_key" => new HttpConnection(auth.GetCredential("header_name") is { Length: > 0 } name ? name : "X-Api-Key", Require(auth, "api_key", method), hosts),
            "basic" => new HttpConnection("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Require(auth, "username", method) + ":" + RequirePresent(auth, "password", method))), hosts),
            _ => throw new ValidationError(ValidationTarget.Auth, "http", [new FieldError("/auth_method", "must be one of none, bearer, api_key, basic")]),
        };
    }

    public bool IsAllowed(Uri url) => Patchbay.Sdk.Fetch.AllowedHosts.IsAllowed(AllowedHosts, url);

    public string RefusalMessage(Uri url) =>
        $"url: the host {url.Host} is not in this connection's allowed_hosts ({string.Join(", ", AllowedHosts)}); nothing was sent.";

    /// <summary>The caller's headers with the credential added; the credential replaces a header of the same name.</summary>
    public Dictionary<string, string> Headers(JsonElement headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (headers.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty header in headers.EnumerateObject())
            {
                if (header.Value.ValueKind == JsonValueKind.String)
                {
                    result[header.Name] = header.Value.GetString()!;
                }
            }
        }

        if (CredentialHeader is not null)
        {
            result[CredentialHeader] = CredentialValue!;
        }

        return result;
    }

    private static string Require(ConnectorAuth auth, string field, string method) =>
        auth.GetCredential(field) is { Length: > 0 } value
            ? value
            : throw new ValidationError(ValidationTarget.Auth, "http", [new FieldError("/" + field, $"is required when auth_method is {method}")]);

    /// <summary>Present, possibly empty: some APIs take a key as the user name and an empty password.</summary>
    private static string RequirePresent(ConnectorAuth auth, string field, string method) =>
        auth.GetCredential(field)
        ?? throw new ValidationError(ValidationTarget.Auth, "http", [new FieldError("/" + field, $"is required when auth_method is {method} (it may be empty)")]);

    private static List<string> ReadHosts(JsonElement credentials)
    {
        var hosts = new List<string>();
        if (credentials.ValueKind == JsonValueKind.Object
            && credentials.TryGetProperty("allowed_hosts", out JsonElement list)
            && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement host in list.EnumerateArray())
            {
                if (host.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(host.GetString()))
                {
                    hosts.Add(host.GetString()!.Trim());
                }
            }
        }

        return hosts;
    }
}
