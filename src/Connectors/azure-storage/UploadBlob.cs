using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>Uploads text or base64 bytes as a block blob; never replaces a blob unless asked to, never creates the container.</summary>
[Action("upload_blob")]
public sealed class UploadBlob : ActionHandler<UploadBlob.Inputs>
{
    public sealed record Inputs(string Container, string Name, string Content, string Encoding = "utf8", string? ContentType = null, bool Overwrite = false);

    public override async Task<ActionOutcome> ExecuteAsync(Inputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        bool base64 = inputs.Encoding == BlobEncodings.Base64;
        BinaryData content = base64 ? new BinaryData(BlobEncodings.DecodeBase64(inputs.Content, "/content")) : BinaryData.FromString(inputs.Content);
        string contentType = inputs.ContentType ?? (base64 ? "application/octet-stream" : "text/plain; charset=utf-8");

        BlobClient blob = AzureStorageAccount.FromContext(context).CreateBlobServiceClient()
            .GetBlobContainerClient(inputs.Container).GetBlobClient(inputs.Name);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            // If-None-Match: * makes "do not overwrite" atomic on the service side.
            Conditions = inputs.Overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All },
        };

        try
        {
            Response<BlobContentInfo> response = await blob.UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(response.Value.ETag.ToString()))
            {
                // Azure Storage always answers a write with its ETag; an answer without one came from something else.
                throw new InvalidDataException($"Azure Storage answered the upload of '{inputs.Name}' without an ETag, so it is not Azure Storage's answer; check that the endpoint is an Azure Storage account.");
            }

            return ActionResult.From(new
            {
                container = inputs.Container,
                name = inputs.Name,
                size = content.ToMemory().Length,
                content_type = contentType,
                etag = StorageFormat.Etag(response.Value.ETag),
                last_modified = response.Value.LastModified,
            });
        }
        catch (RequestFailedException ex) when (!inputs.Overwrite && ex.Status is 409 or 412 && ex.ErrorCode is "BlobAlreadyExists" or "ConditionNotMet")
        {
            return new ActionError($"Blob '{inputs.Name}' already exists in container '{inputs.Container}'; pass overwrite: true to replace it.");
        }
        catch (RequestFailedException ex)
        {
            return AzureStorageErrors.ToActionError(ex, inputs.Container, inputs.Name) ?? throw AzureStorageErrors.ToException(ex, inputs.Container, inputs.Name);
        }
        catch (Exception ex) when (AzureStorageErrors.Translate(ex) is { } translated)
        {
            throw translated;
        }
    }
}
