using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>One page of a container's blobs, paged with the SDK's continuation tokens.</summary>
[Action("list_blobs")]
public sealed class ListBlobs : ActionHandler<ListBlobs.Inputs>
{
    public sealed record Inputs(string Container, string? Prefix = null, int MaxResults = 100, string? ContinuationToken = null);

    public override async Task<ActionOutcome> ExecuteAsync(Inputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        BlobContainerClient container = AzureStorageAccount.FromContext(context).CreateBlobServiceClient().GetBlobContainerClient(inputs.Container);
        try
        {
            await foreach (Page<BlobItem> page in container
                .GetBlobsAsync(BlobTraits.None, BlobStates.None, inputs.Prefix, cancellationToken)
                .AsPages(inputs.ContinuationToken, inputs.MaxResults)
                .ConfigureAwait(false))
            {
                BlobSummary[] blobs = [.. page.Values.Select(BlobSummary.From)];
                return ActionResult.From(new
                {
                    container = inputs.Container,
                    blobs,
                    count = blobs.Length,
                    continuation_token = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken,
                });
            }

            return ActionResult.From(new { container = inputs.Container, blobs = Array.Empty<BlobSummary>(), count = 0 });
        }
        catch (RequestFailedException ex)
        {
            return AzureStorageErrors.ToActionError(ex, inputs.Container) ?? throw AzureStorageErrors.ToException(ex, inputs.Container);
        }
        catch (Exception ex) when (AzureStorageErrors.Translate(ex) is { } translated)
        {
            throw translated;
        }
    }
}

/// <summary>What list_blobs reports about a blob.</summary>
internal sealed record BlobSummary(string Name, long Size, string? ContentType, DateTimeOffset? LastModified, DateTimeOffset? CreatedOn, string Etag)
{
    public static BlobSummary From(BlobItem item) => new(
        item.Name,
        item.Properties.ContentLength ?? 0,
        StorageFormat.ContentType(item.Properties.ContentType),
        item.Properties.LastModified,
        item.Properties.CreatedOn,
        StorageFormat.Etag(item.Properties.ETag));
}
