namespace Patchbay.Sdk.Fetch;

/// <summary>
/// Sends connector requests: one per process, shared by every <see cref="ConnectorContext"/>.
/// Owns the HTTP handler (network guard on the resolved address), the retry pipeline and redirects.
/// </summary>
public class FetchClient
{
    /// <summary>Creates a client.</summary>
    public FetchClient(FetchOptions? options = null)
    {
        Options = options ?? new FetchOptions();
    }

    /// <summary>The options this client runs with.</summary>
    public FetchOptions Options { get; }

    /// <summary>Sends one request for a connector; see <see cref="ConnectorContext.FetchAsync"/>.</summary>
    public virtual Task<FetchResponse> SendAsync(FetchRequest request, ConnectorContextOptions context, CancellationToken cancellationToken = default)
        => throw new NotImplementedException("Fetch is being built in src/Sdk/Fetch.");
}
