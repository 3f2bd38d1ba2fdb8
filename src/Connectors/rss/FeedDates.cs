using System.Globalization;

namespace Patchbay.Connectors.Rss;

/// <summary>
/// Reads feed dates: RFC 822 / RFC 2822 (RSS <c>pubDate</c>, e.g. <c>Sat, 07 Sep 2002 00:00:01 GMT</c>) and
/// RFC 3339 (Atom <c>updated</c>, <c>dc:date</c>, e.g. <c>2003-12-13T18:30:02Z</c>). Real feeds mix them up,
/// so both are tried for every date.
/// </summary>
internal static class FeedDates
{
    private static readonly string[] s_months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, int> s_zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = 0, ["UTC"] = 0, ["GMT"] = 0, ["Z"] = 0,
        ["EST"] = -5, ["EDT"] = -4, ["CST"] = -6, ["CDT"] = -5,
        ["MST"] = -7, ["MDT"] = -6, ["PST"] = -8, ["PDT"] = -7,
    };

    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (TryParseRfc822(text, out DateTimeOffset value))
        {
            return value;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value))
        {
            return value;
        }

        return null;
    }

    internal static bool TryParseRfc822(string text, out DateTimeOffset value)
    {
        value = default;
        string[] parts = text.Replace(",", ", ", StringComparison.Ordinal).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int i = 0;
        if (parts.Length > 0 && char.IsLetter(parts[0][0]))
        {
            i = 1; // the optional day of week ("Sat,")
        }

        if (parts.Length - i < 4
            || parts[i + 1].Length < 3
            || !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int day)
            || !int.TryParse(parts[i + 2], NumberStyles.None, CultureInfo.InvariantCulture, out int year))
        {
            return false;
        }

        int monthIndex = Array.IndexOf(s_months, parts[i + 1][..3].ToLowerInvariant());
        if (monthIndex < 0)
        {
            return false;
        }

        if (parts[i + 2].Length == 2)
        {
            year += year < 50 ? 2000 : 1900; // RFC 2822 section 4.3
        }

        string[] clock = parts[i + 3].Split(':');
        if (clock.Length is < 2 or > 3
            || !int.TryParse(clock[0], NumberStyles.None, CultureInfo.InvariantCulture, out int hour)
            || !int.TryParse(clock[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minute))
        {
            return false;
        }

        int second = 0;
        if (clock.Length == 3 && !int.TryParse(clock[2], NumberStyles.None, CultureInfo.InvariantCulture, out second))
        {
            return false;
        }

        TimeSpan offset = TimeSpan.Zero;
        if (parts.Length - i > 4 && !TryParseZone(parts[i + 4], out offset))
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(year, monthIndex + 1, day, hour, minute, second, offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryParseZone(string zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (s_zones.TryGetValue(zone, out int hours))
        {
            offset = TimeSpan.FromHours(hours);
            return true;
        }

        if (zone.Length == 1 && char.IsLetter(zone[0]))
        {
            return true; // military zones: RFC 2822 says to read them as -0000, RFC 822 got their signs wrong
        }

        string digits = zone.Replace(":", string.Empty, StringComparison.Ordinal);
        if (digits.Length == 5 && digits[0] is '+' or '-'
            && int.TryParse(digits.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && int.TryParse(digits.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int m)
            && h < 24 && m < 60)
        {
            offset = new TimeSpan(h, m, 0);
            if (digits[0] == '-')
            {
                offset = -offset;
            }

            return true;
        }

        return false;
    }
}
