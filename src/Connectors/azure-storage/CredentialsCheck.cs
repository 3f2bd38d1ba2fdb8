using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>
/// Refuses malformed credentials before anything runs: a connection string with bad syntax or an AccountKey that is
/// not base64, both or neither of connection_string and account_url, an account_url that is not Azure Storage.
/// The platform answers 400 naming the field, whether a connection is being created or an action or poll runs.
/// </summary>
[CredentialsCheck]
public sealed class CredentialsCheck : CredentialsCheckHandler
{
    public override IEnumerable<FieldError> Check(ConnectorAuth auth)
    {
        try
        {
            _ = AzureStorageAccount.FromAuth(auth);
            return [];
        }
        catch (ValidationError ex)
        {
            return ex.Errors;
        }
    }
}
