using System.Globalization;

namespace Patchbay.Sdk;

/// <summary>Parses a trigger's <c>polling_interval</c>: a whole number followed by <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>.</summary>
public static class PollingInterval
{
    private static readonly TimeSpan s_max = TimeSpan.FromDays(366);

    /// <summary>Reads <paramref name="text"/> such as <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>.</summary>
    /// <returns><see langword="true"/> with the interval, or <see langword="false"/> with a message that says what is accepted.</returns>
    public static bool TryParse(string? text, out TimeSpan interval, out string error)
    {
        interval = default;
        const string Accepted = "write a whole number followed by s, m, h or d, greater than zero (e.g. 30s, 5m, 1h, 1d)";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"polling_interval is empty; {Accepted}";
            return false;
        }

        char unit = text[^1];
        ReadOnlySpan<char> digits = text.AsSpan(0, text.Length - 1);
        if (unit is not ('s' or 'm' or 'h' or 'd'))
        {
            error = $"polling_interval '{text}' has no valid unit; {Accepted}";
            return false;
        }

        if (digits.IsEmpty || !IsAllDigits(digits) || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            error = $"polling_interval '{text}' is not a whole number of units; {Accepted}";
            return false;
        }

        if (value == 0)
        {
            error = $"polling_interval '{text}' is zero; {Accepted}";
            return false;
        }

        double seconds = unit switch { 's' => value, 'm' => value * 60d, 'h' => value * 3600d, _ => value * 86400d };
        if (seconds > s_max.TotalSeconds)
        {
            error = $"polling_interval '{text}' is longer than a year; use at most 366d";
            return false;
        }

        interval = TimeSpan.FromSeconds(seconds);
        error = string.Empty;
        return true;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> span)
    {
        foreach (char c in span)
        {
            if (c is < '0' or > '9') return false;
        }

        return true;
    }
}
