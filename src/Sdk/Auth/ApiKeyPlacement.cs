namespace Patchbay.Sdk;

/// <summary>
/// Where <see cref="ConnectorContext.FetchAsync"/> puts an API key: the manifest's
/// <c>auth.api_key</c> block, e.g. <c>{"in": "header", "name": "X-Api-Key", "field": "api_key"}</c>.
/// </summary>
/// <param name="In"><c>header</c> or <c>query</c>.</param>
/// <param name="Name">The header or query parameter name.</param>
/// <param name="Field">The credential field that holds the key.</param>
/// <param name="Prefix">Written before the key, e.g. <c>"Token "</c>; empty by default.</param>
public sealed record ApiKeyPlacement(string In, string Name, string Field, string Prefix = "")
{
    /// <summary>Whether the key goes into a header (else the query string).</summary>
    public bool InHeader => string.Equals(In, "header", StringComparison.OrdinalIgnoreCase);
}
