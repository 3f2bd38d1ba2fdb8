using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>Creates a private container; one that already exists is left as it is and reported, so running it twice is safe.</summary>
[Action("create_container")]
public sealed class CreateContainer : ActionHandler<CreateContainer.Inputs>
{
    public sealed record Inputs(string Container);

    public override async Task<ActionOutcome> ExecuteAsync(Inputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        BlobContainerClient container = AzureStorageAccount.FromContext(context).CreateBlobServiceClient().GetBlobContainerClient(inputs.Container);
        try
        {
            // Null when the container exists (the SDK absorbs 409 ContainerAlreadyExists).
            Response<BlobContainerInfo>? created = await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ActionResult.From(new
            {
                container = inputs.Container,
                created = created is not null,
                message = created is not null
                    ? $"Container '{inputs.Container}' was created."
                    : $"Container '{inputs.Container}' already exists; nothing was changed.",
            });
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
