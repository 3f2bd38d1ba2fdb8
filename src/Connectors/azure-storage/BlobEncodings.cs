using System.Text;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>The <c>encoding</c> values of upload_blob and download_blob.</summary>
internal static class BlobEncodings
{
    public const string Utf8 = "utf8";
    public const string Base64 = "base64";

    /// <summary>UTF-8 that throws on invalid bytes instead of substituting U+FFFD, so binary content is detected.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="ValidationError">The text is not base64; reported at <paramref name="path"/> like a schema error.</exception>
    public static byte[] DecodeBase64(string text, string path)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new ValidationError(ValidationTarget.Inputs, "azure-storage.upload_blob", [new FieldError(path, "is not valid base64 (encoding is base64)")]);
        }
    }
}

/// <summary>How values read from Azure are written into results.</summary>
internal static class StorageFormat
{
    /// <summary>The ETag without quotes: listings carry it bare, response headers quoted; results use one form.</summary>
    public static string Etag(Azure.ETag? etag) => etag?.ToString().Trim('"') ?? string.Empty;

    public static string? ContentType(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
