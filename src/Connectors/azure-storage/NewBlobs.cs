using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>
/// Blobs written since the last poll. A record is one version of a blob, id <c>name@etag</c>: every
/// write changes the ETag, so a re-uploaded blob is a new record while repeats of the same version
/// are de-duplicated by the poller.
/// </summary>
/// <remarks>
/// Blob listing cannot filter by time, so each poll lists the whole container (or prefix) and keeps
/// blobs whose last_modified is after <c>lastPollTs - lookback_seconds</c>. The lookback absorbs clock
/// skew between the platform and Azure; the poller drops the ids it already delivered.
/// </remarks>
[PollingTrigger("new_blobs")]
public sealed class NewBlobs : PollingTriggerHandler
{
    /// <summary>The most blobs the first poll (no <c>lastPollTs</c>) reports as its baseline.</summary>
    public const int FirstPollLimit = 1000;

    private const int PageSize = 5000;

    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string container = inputs.GetProperty("container").GetString()!;
        string? prefix = inputs.TryGetProperty("prefix", out JsonElement p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        int lookback = inputs.TryGetProperty("lookback_seconds", out JsonElement l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : 60;
        DateTimeOffset? since = lastPollTs?.AddSeconds(-lookback);

        BlobContainerClient client = AzureStorageAccount.FromContext(context).CreateBlobServiceClient().GetBlobContainerClient(container);
        var found = new List<BlobItem>();
        try
        {
            await foreach (Page<BlobItem> page in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).AsPages(pageSizeHint: PageSize).ConfigureAwait(false))
            {
                foreach (BlobItem item in page.Values)
                {
                    if (since is null || item.Properties.LastModified > since) found.Add(item);
                }

                if (since is null && found.Count >= FirstPollLimit) break;
            }
        }
        catch (RequestFailedException ex)
        {
            throw AzureStorageErrors.ToException(ex, container);
        }
        catch (Exception ex) when (AzureStorageErrors.Translate(ex) is { } translated)
        {
            throw translated;
        }

        IEnumerable<BlobItem> ordered = found.OrderBy(static b => b.Properties.LastModified).ThenBy(static b => b.Name, StringComparer.Ordinal);
        if (since is null) ordered = ordered.Take(FirstPollLimit);
        return [.. ordered.Select(b => PollRecord.From($"{b.Name}@{StorageFormat.Etag(b.Properties.ETag)}", new
        {
            container,
            name = b.Name,
            size = b.Properties.ContentLength ?? 0,
            content_type = StorageFormat.ContentType(b.Properties.ContentType),
            etag = StorageFormat.Etag(b.Properties.ETag),
            last_modified = b.Properties.LastModified,
            created_on = b.Properties.CreatedOn,
        }))];
    }
}
