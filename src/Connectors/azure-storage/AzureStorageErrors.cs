using System.Xml;
using Azure;
using Azure.Identity;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>Turns the Azure SDK's <see cref="RequestFailedException"/> into what the platform understands.</summary>
internal static class AzureStorageErrors
{
    /// <summary>
    /// Whether a 403 says the credential itself was not accepted (a wrong key, a bad SAS signature: Azure answers
    /// AuthenticationFailed, Azurite AuthorizationFailure), as opposed to a valid credential that does not cover the
    /// operation (the Authorization...Mismatch codes).
    /// </summary>
    public static bool IsRefusedCredential(RequestFailedException exception) =>
        exception.Status == 403 && exception.ErrorCode is null or "AuthenticationFailed" or "AuthorizationFailure" or "InvalidAuthenticationInfo";

    private const int MaxQuotedMessage = 300;

    /// <summary>
    /// An <see cref="ActionError"/> for failures the caller can fix (a missing container, blob or queue;
    /// credentials without access), or <see langword="null"/> when the failure should propagate.
    /// </summary>
    public static ActionError? ToActionError(RequestFailedException exception, string? container = null, string? blob = null, string? queue = null)
    {
        string? message = Describe(exception, container, blob, queue);
        return message is null ? null : new ActionError(message);
    }

    /// <summary>
    /// The exception to throw for a failure that is not an <see cref="ActionError"/>: an <see cref="HttpError"/>
    /// with the service's status (the platform answers 502), or the original when no response came back.
    /// </summary>
    public static Exception ToException(RequestFailedException exception, string? container = null, string? blob = null, string? queue = null)
    {
        if (StorageNetwork.FindRefusal(exception) is { } refusal) return new FetchBlockedException(refusal.Message, exception);
        if (exception.Status == 0) return Unreachable(exception);
        string message = Describe(exception, container, blob, queue)
            ?? $"Azure Storage answered {exception.Status} {exception.ErrorCode ?? "(no error code)"}.";
        return exception.Status == 429 || (exception.Status == 503 && exception.ErrorCode == "ServerBusy")
            ? new RateLimitError(TimeSpan.FromSeconds(30), message)
            : new HttpError(exception.Status, message, innerException: exception);
    }

    /// <summary>
    /// What to throw instead of an exception the Azure SDK raised without an error status, or <see langword="null"/>
    /// to let it through: retries exhausted without a response (unreachable, 502); an answer that is not Azure
    /// Storage's XML or headers (<see cref="InvalidDataException"/>, 502); no Microsoft Entra ID token (502).
    /// </summary>
    public static Exception? Translate(Exception exception) => exception switch
    {
        AggregateException aggregate when IsUnreachable(aggregate) => Unreachable(aggregate),
        XmlException or FormatException => new InvalidDataException(
            $"Azure Storage answered something that is not Azure Storage's XML or headers ({Quote(exception.Message)}); check that the endpoint is an Azure Storage account.",
            exception),
        AuthenticationFailedException auth => new HttpRequestException(
            $"Microsoft Entra ID gave no token for Azure Storage ({Quote(auth.Message)}); in Azure give the Function App a managed identity with a Storage data role, locally run `az login`, or use a connection string.",
            auth),
        _ => null,
    };

    /// <summary>Whether the SDK gave up after retrying failures that had no response (it throws them aggregated).</summary>
    public static bool IsUnreachable(AggregateException exception) =>
        exception.InnerExceptions.Count > 0 && exception.InnerExceptions.All(static e => e is RequestFailedException { Status: 0 });

    /// <summary>
    /// No response came back (DNS, connect or TLS failure, after the SDK's retries): an
    /// <see cref="HttpRequestException"/>, which the platform answers as an unreachable upstream (502), not a bug.
    /// </summary>
    public static Exception Unreachable(Exception exception)
    {
        Exception last = exception is AggregateException aggregate ? aggregate.InnerExceptions[^1] : exception;
        if (StorageNetwork.FindRefusal(last) is { } refusal) return new FetchBlockedException(refusal.Message, exception);
        return new HttpRequestException($"Azure Storage could not be reached: {last.Message}", exception);
    }

    private static string? Describe(RequestFailedException exception, string? container, string? blob, string? queue) =>
        (exception.Status, exception.ErrorCode) switch
        {
            (403, _) when IsRefusedCredential(exception) => $"Azure Storage did not accept the credentials for {Target(container, blob, queue)} (403 {exception.ErrorCode ?? "with no error code"}): check the account key (copy key1 or key2 again from the Access keys blade), or the SAS signature, permissions and expiry; with account_url, the identity's role on the account or container.",
            (409, "ContainerBeingDeleted") => $"Container '{container}' is being deleted; Azure takes at least 30 seconds to finish, then try again.",
            (404, "ContainerNotFound") => $"Container '{container}' does not exist in this storage account.",
            (404, "BlobNotFound") => $"Blob '{blob}' does not exist in container '{container}'.",
            (404, "QueueNotFound") => $"Queue '{queue}' does not exist in this storage account.",
            (404, _) when queue is not null => $"Queue '{queue}' was not found ({exception.ErrorCode ?? "404"}).",
            (404, _) => $"Container '{container}'{(blob is null ? string.Empty : $" or blob '{blob}'")} was not found ({exception.ErrorCode ?? "404"}).",
            (403, _) => $"The credentials lack access to {Target(container, blob, queue)} (Azure Storage answered 403 {exception.ErrorCode}). "
                + "With a connection string, check the key or SAS permissions and expiry; with account_url, grant the identity "
                + (queue is not null ? "the Storage Queue Data Message Sender role" : "the Storage Blob Data Contributor (or Reader, for reads) role")
                + " on the account or container.",
            _ => null,
        };

    private static string Quote(string message)
    {
        string line = message.ReplaceLineEndings(" ");
        return line.Length <= MaxQuotedMessage ? line : string.Concat(line.AsSpan(0, MaxQuotedMessage), "…");
    }

    private static string Target(string? container, string? blob, string? queue) =>
        queue is not null ? $"queue '{queue}'"
        : blob is not null ? $"blob '{blob}' in container '{container}'"
        : container is not null ? $"container '{container}'"
        : "the storage account";
}
