using Azure.Data.Tables;

namespace Patchbay.Platform.Storage;

/// <summary>Keeps what Patchbay stores inside Table Storage's limits: messages it writes are cut, rows are checked before any write.</summary>
public static class StorageText
{
    /// <summary>The longest message Patchbay stores (a status reason, a last error, a record id in the history).</summary>
    public const int MaxMessageChars = 1000;

    /// <summary>Table Storage's limit for one string property, in UTF-16 characters (64 KiB).</summary>
    public const int MaxPropertyChars = 32 * 1024;

    /// <summary>Table Storage's limit for one binary property, in bytes.</summary>
    public const int MaxBinaryBytes = 64 * 1024;

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters (ending in …), never splitting a surrogate pair.</summary>
    public static string? Bound(string? text, int max = MaxMessageChars)
    {
        if (text is null || text.Length <= max) return text;
        int cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    /// <summary>Refuses a row Table Storage would refuse, before anything is written.</summary>
    /// <exception cref="ArgumentException">A property is over Table Storage's limit; the message names it.</exception>
    public static void ThrowIfOversized(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        foreach ((string name, object? value) in entity)
        {
            switch (value)
            {
                case string text when text.Length > MaxPropertyChars:
                    throw new ArgumentException($"Property {name} of {entity.PartitionKey} is {text.Length} characters; Table Storage stores at most {MaxPropertyChars}.", nameof(entity));
                case byte[] bytes when bytes.Length > MaxBinaryBytes:
                    throw new ArgumentException($"Property {name} of {entity.PartitionKey} is {bytes.Length} bytes; Table Storage stores at most {MaxBinaryBytes}.", nameof(entity));
            }
        }
    }
}
