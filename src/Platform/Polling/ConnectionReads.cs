using System.Collections.Concurrent;
using Patchbay.Platform.Connections;
using Patchbay.Sdk;

namespace Patchbay.Platform.Polling;

/// <summary>
/// The connections one batch of polls uses, each read from the table once for the whole batch (issue 15, target 3: a
/// subscription that finds nothing new costs three table requests with auth as without). Subscriptions of one
/// connection in a batch share the read; a batch lasts as long as its polls, so a connection deleted or expired while
/// it runs stops the subscriptions of the next batch, as it would have stopped one already past its read.
/// </summary>
/// <remarks>
/// OAuth tokens stay right: a poll whose token is about to expire, or was rejected, refreshes through
/// <c>OAuthTokens.EnsureFreshAsync</c>, which reads the connection again and uses tokens another poll has just stored.
/// A read that fails is forgotten, so the next subscription of that connection reads again.
/// </remarks>
internal sealed class ConnectionReads(ConnectionStore store, CancellationToken batchCancellation)
{
    private readonly ConnectionStore _store = store;
    private readonly CancellationToken _batchCancellation = batchCancellation;
    private readonly ConcurrentDictionary<string, Lazy<Task<(Connection Connection, ConnectorAuth Auth)?>>> _reads = new(StringComparer.Ordinal);

    /// <summary>The connection and its decrypted credentials as this batch read them; <see langword="null"/> when it does not exist.</summary>
    public async Task<(Connection Connection, ConnectorAuth Auth)?> GetWithCredentialsAsync(string id, CancellationToken cancellationToken)
    {
        Lazy<Task<(Connection, ConnectorAuth)?>> read = _reads.GetOrAdd(id, static (key, reads) =>
            new Lazy<Task<(Connection, ConnectorAuth)?>>(() => reads._store.GetWithCredentialsAsync(key, reads._batchCancellation)), this);
        try
        {
            return await read.Value.WaitAsync(cancellationToken);
        }
        catch when (read.Value.IsFaulted || read.Value.IsCanceled)
        {
            _reads.TryRemove(KeyValuePair.Create(id, read));
            throw;
        }
    }
}
