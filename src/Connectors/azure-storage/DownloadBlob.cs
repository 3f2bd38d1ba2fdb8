using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>Downloads a blob up to <c>max_bytes</c>, as text when it is UTF-8 and asked for, else base64.</summary>
[Action("download_blob")]
public sealed class DownloadBlob : ActionHandler<DownloadBlob.Inputs>
{
    public sealed record Inputs(string Container, string Name, string Encoding = "utf8", long MaxBytes = 1_048_576);

    public override async Task<ActionOutcome> ExecuteAsync(Inputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        BlobClient blob = AzureStorageAccount.FromContext(context).CreateBlobServiceClient()
            .GetBlobContainerClient(inputs.Container).GetBlobClient(inputs.Name);
        try
        {
            // One request: the size comes with the response headers, so an oversized blob is refused
            // before its body is read, and the body read is bounded in case the size header lies.
            Response<BlobDownloadStreamingResult> response = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using BlobDownloadStreamingResult download = response.Value;
            long size = download.Details.ContentLength;
            if (size > inputs.MaxBytes)
            {
                return TooLarge(inputs, size);
            }

            byte[]? bytes = await ReadAtMostAsync(download.Content, inputs.MaxBytes, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
            {
                return TooLarge(inputs, size);
            }

            (string content, string encoding) = Encode(bytes, inputs.Encoding);
            return ActionResult.From(new
            {
                container = inputs.Container,
                name = inputs.Name,
                content,
                encoding,
                size = bytes.Length,
                content_type = StorageFormat.ContentType(download.Details.ContentType),
                etag = StorageFormat.Etag(download.Details.ETag),
                last_modified = download.Details.LastModified,
            });
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

    private static ActionError TooLarge(Inputs inputs, long size) =>
        new($"Blob '{inputs.Name}' is {size} bytes, more than max_bytes ({inputs.MaxBytes}); raise max_bytes (up to 10485760) or download it another way.");

    private static (string Content, string Encoding) Encode(byte[] bytes, string requested)
    {
        if (requested == BlobEncodings.Utf8)
        {
            try
            {
                return (BlobEncodings.StrictUtf8.GetString(bytes), BlobEncodings.Utf8);
            }
            catch (DecoderFallbackException)
            {
                // Binary content: fall through to base64, and the result's encoding says so.
            }
        }

        return (Convert.ToBase64String(bytes), BlobEncodings.Base64);
    }

    /// <summary>The stream's bytes, or <see langword="null"/> when it holds more than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
