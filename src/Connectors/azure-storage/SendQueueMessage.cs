using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Patchbay.Sdk;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>Adds a message to an existing queue.</summary>
[Action("send_queue_message")]
public sealed class SendQueueMessage : ActionHandler<SendQueueMessage.Inputs>
{
    public sealed record Inputs(string Queue, string Message, bool Base64Encode = false, int? VisibilityTimeoutSeconds = null, int? TimeToLiveSeconds = null);

    public override async Task<ActionOutcome> ExecuteAsync(Inputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        QueueClient queue = AzureStorageAccount.FromContext(context)
            .CreateQueueServiceClient(inputs.Base64Encode ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None)
            .GetQueueClient(inputs.Queue);
        try
        {
            Response<SendReceipt> response = await queue.SendMessageAsync(
                inputs.Message,
                inputs.VisibilityTimeoutSeconds is int visibility ? TimeSpan.FromSeconds(visibility) : null,
                inputs.TimeToLiveSeconds is int ttl ? TimeSpan.FromSeconds(ttl) : null,
                cancellationToken).ConfigureAwait(false);
            SendReceipt receipt = response.Value;
            return ActionResult.From(new
            {
                queue = inputs.Queue,
                message_id = receipt.MessageId,
                insertion_time = receipt.InsertionTime,
                expiration_time = receipt.ExpirationTime,
                next_visible_time = receipt.TimeNextVisible,
            });
        }
        catch (RequestFailedException ex)
        {
            return AzureStorageErrors.ToActionError(ex, queue: inputs.Queue) ?? throw AzureStorageErrors.ToException(ex, queue: inputs.Queue);
        }
        catch (Exception ex) when (AzureStorageErrors.Translate(ex) is { } translated)
        {
            throw translated;
        }
    }
}
