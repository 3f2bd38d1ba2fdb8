using Patchbay.Platform.Hosting;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Polling;

/// <summary>
/// The <c>PollingQueue</c> setting: the Storage queue (in <c>AzureWebJobsStorage</c>) that the isolated worker's
/// <c>PollingTick</c> writes poll batches to and its <c>PollingBatch</c> queue trigger reads, and the
/// <c>{name}-poison</c> queue the Functions host moves a message to after <c>maxDequeueCount</c> failed attempts.
/// </summary>
public static class PollingQueue
{
    /// <summary>The queue trigger's queue: the Functions host resolves the setting from app settings.</summary>
    public const string TriggerQueue = "%" + SettingNames.PollingQueue + "%";

    /// <summary>The poison queue the Functions host writes to (<c>{queue}-poison</c>).</summary>
    public const string PoisonTriggerQueue = TriggerQueue + PoisonSuffix;

    /// <summary>What the Functions host appends to a queue's name for its poison queue.</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>
    /// The queue's name from the setting. Required under the Functions host (the trigger's <c>%PollingQueue%</c> must
    /// resolve): 3 to 56 lowercase letters, digits and single hyphens, so that its poison queue's name is valid too.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is missing or not a valid queue name; the message says what to set.</exception>
    public static string Name(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? name = configuration[SettingNames.PollingQueue]?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidOperationException(
                $"{SettingNames.PollingQueue} is not set: the polling tick writes its batches to that Storage queue and the PollingBatch function reads them. " +
                $"Set it to {SettingNames.DefaultPollingQueue} (local.settings.json Values, or the Function App's app settings).");
        }

        if (!StorageQueueName.IsValid(name, StorageQueueName.MaxLength - PoisonSuffix.Length))
        {
            throw new InvalidOperationException(
                $"{SettingNames.PollingQueue} '{name}' is not a usable queue name: 3 to 56 lowercase letters, digits and single hyphens, " +
                $"starting and ending with a letter or digit (the host adds '{PoisonSuffix}' for its poison queue), e.g. {SettingNames.DefaultPollingQueue}.");
        }

        return name;
    }
}
