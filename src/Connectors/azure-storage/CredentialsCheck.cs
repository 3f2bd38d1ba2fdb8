using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

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
            // An offline check: nothing is sent, so the guard it is given is never used.
            _ = AzureStorageAccount.FromAuth(auth, NetworkGuard.Default);
            return [];
        }
        catch (ValidationError ex)
        {
            return ex.Errors;
        }
    }
}
