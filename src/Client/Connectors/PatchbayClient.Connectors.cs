using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Client;

public partial class PatchbayClient
{
    /// <summary>Every connector the app serves.</summary>
    public virtual async Task<IReadOnlyList<ConnectorSummary>> GetConnectorsAsync(CancellationToken cancellationToken = default) =>
        ClientJson.Read<List<ConnectorSummary>>(await SendAsync(HttpMethod.Get, "api/connectors", null, cancellationToken).ConfigureAwait(false));

    /// <summary>One connector with its auth parameters, actions (with inputs to fill) and triggers.</summary>
    /// <exception cref="PatchbayException">404 when there is no such connector.</exception>
    public virtual async Task<PatchbayConnector> GetConnectorAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        JsonElement details = await SendAsync(HttpMethod.Get, $"api/connectors/{Escape(id)}", null, cancellationToken).ConfigureAwait(false);
        JsonElement auth = await SendAsync(HttpMethod.Get, $"api/connectors/{Escape(id)}/auth", null, cancellationToken).ConfigureAwait(false);
        ConnectorManifest manifest;
        try
        {
            manifest = ConnectorManifest.Parse(details.GetProperty("manifest").GetRawText(), $"{Endpoint}api/connectors/{id}");
        }
        catch (Exception ex) when (ex is ConfigurationError or KeyNotFoundException)
        {
            throw new PatchbayException($"Connector '{id}' answered a manifest this client cannot read: {ex.Message}", ex);
        }

        return new PatchbayConnector(manifest, ClientJson.Read<ConnectorAuthParameters>(auth));
    }
}
