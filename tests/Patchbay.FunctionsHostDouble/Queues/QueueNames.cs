using System.Text.RegularExpressions;

namespace Patchbay.Testing.Functions.Queues;

/// <summary>Storage queue naming, as the queue extension checks it at indexing, and its poison queue convention.</summary>
internal static partial class QueueNames
{
    /// <summary>The connection setting a queue trigger uses when its binding names none.</summary>
    public const string DefaultConnection = "AzureWebJobsStorage";

    /// <summary>What the queue extension appends to a queue's name for its poison queue.</summary>
    public const string PoisonSuffix = "-poison";

    public static bool IsValid(string name) => Name().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
