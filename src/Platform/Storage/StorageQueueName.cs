namespace Patchbay.Platform.Storage;

/// <summary>
/// Azure Storage's rule for queue names: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with
/// a letter or digit. Used for a subscription's queue destination and for the <c>PollingQueue</c> setting.
/// </summary>
public static class StorageQueueName
{
    /// <summary>The longest queue name Azure Storage accepts.</summary>
    public const int MaxLength = 63;

    /// <summary>Whether <paramref name="name"/> is a valid queue name of at most <paramref name="maxLength"/> characters.</summary>
    /// <param name="name">The name to check.</param>
    /// <param name="maxLength">A tighter bound than <see cref="MaxLength"/> when a suffix is added later (a poison queue's <c>-poison</c>).</param>
    public static bool IsValid(string name, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length < 3 || name.Length > maxLength || name[0] == '-' || name[^1] == '-' || name.Contains("--", StringComparison.Ordinal)) return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-') return false;
        }

        return true;
    }
}
