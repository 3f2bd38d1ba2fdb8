using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>
/// Checks the credentials against the account when a connection is created (Get Blob Service Properties): a wrong key
/// is refused by Azure (403 AuthenticationFailed) and the connection is FAILED with that reason.
/// </summary>
/// <remarks>
/// A credential Azure accepts but that does not cover this operation (403 Authorization...Mismatch: a SAS without
/// service-level access, say) passes: the check is about the credential, not its permissions.
/// </remarks>
[ConnectedAccount]
public sealed class AccountCheck : ConnectedAccountHandler
{
    public override async Task<ConnectedAccountInfo> GetAccountInfoAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        BlobServiceClient blobs = AzureStorageAccount.FromContext(context).CreateBlobServiceClient();
        try
        {
            BlobServiceProperties properties = (await blobs.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value;
            return new ConnectedAccountInfo { Username = blobs.AccountName, UserId = blobs.Uri.Host, Organization = properties.DefaultServiceVersion };
        }
        catch (RequestFailedException ex) when (ex.Status == 403 && !AzureStorageErrors.IsRefusedCredential(ex))
        {
            return new ConnectedAccountInfo { Username = blobs.AccountName, UserId = blobs.Uri.Host };
        }
        catch (RequestFailedException ex)
        {
            throw AzureStorageErrors.ToException(ex);
        }
        catch (Exception ex) when (AzureStorageErrors.Translate(ex) is { } translated)
        {
            throw translated;
        }
    }
}
