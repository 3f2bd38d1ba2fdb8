using System.Globalization;
using System.Text;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>
/// An immutable JSON tree for the differential test's generators. Unlike System.Text.Json.Nodes it keeps a number's
/// exact text (<c>1</c>, <c>1.0</c>, <c>1e0</c> stay distinct spellings of one value), lets a string choose how it is
/// escaped (so both validators see <c>\u0061</c> as well as <c>a</c>), and can be shared between trees.
/// </summary>
internal abstract class DiffJson
{
    public static readonly DiffJson Null = new DiffLiteral("null");
    public static readonly DiffJson True = new DiffLiteral("true");
    public static readonly DiffJson False = new DiffLiteral("false");

    public static DiffJson Number(string raw) => new DiffLiteral(raw);

    public static DiffJson Number(long value) => new DiffLiteral(value.ToString(CultureInfo.InvariantCulture));

    public static DiffJson Text(string value, StringEscape escape = StringEscape.Plain) => new DiffString(value, escape);

    public static DiffJson Array(params DiffJson[] items) => new DiffArray(items);

    public static DiffJson Object(params (string Name, DiffJson Value)[] members) =>
        new DiffObject([.. members.Select(m => new DiffMember(m.Name, StringEscape.Plain, m.Value))]);

    public abstract void Write(StringBuilder builder);

    public override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder);
        return builder.ToString();
    }

    internal static void WriteString(StringBuilder builder, string value, StringEscape escape)
    {
        builder.Append('"');
        foreach (char c in value)
        {
            bool escapeThis = escape switch
            {
                StringEscape.NonAscii => c > 0x7E,
                StringEscape.All => true,
                _ => false,
            };
            if (c == '"' || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || escapeThis)
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
    }
}

/// <summary>How a generated string is written: escaping never changes the value, only the bytes the validators read.</summary>
internal enum StringEscape
{
    Plain,
    NonAscii,
    All,
}

/// <summary><c>null</c>, <c>true</c>, <c>false</c> or a number, written exactly as given.</summary>
internal sealed class DiffLiteral(string raw) : DiffJson
{
    public string Raw { get; } = raw;

    public bool IsNumber => Raw[0] is '-' or (>= '0' and <= '9');

    public override void Write(StringBuilder builder) => builder.Append(Raw);
}

internal sealed class DiffString(string value, StringEscape escape) : DiffJson
{
    public string Value { get; } = value;

    public StringEscape Escape { get; } = escape;

    public override void Write(StringBuilder builder) => WriteString(builder, Value, Escape);
}

internal sealed class DiffArray(IReadOnlyList<DiffJson> items) : DiffJson
{
    public IReadOnlyList<DiffJson> Items { get; } = items;

    public override void Write(StringBuilder builder)
    {
        builder.Append('[');
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            Items[i].Write(builder);
        }

        builder.Append(']');
    }
}

internal sealed record DiffMember(string Name, StringEscape NameEscape, DiffJson Value);

/// <summary>An object; member names are unique (the generators never write a duplicate key).</summary>
internal sealed class DiffObject(IReadOnlyList<DiffMember> members) : DiffJson
{
    public IReadOnlyList<DiffMember> Members { get; } = members;

    public DiffJson? Get(string name)
    {
        foreach (DiffMember member in Members)
        {
            if (member.Name == name)
            {
                return member.Value;
            }
        }

        return null;
    }

    public bool Has(string name) => Get(name) is not null;

    public override void Write(StringBuilder builder)
    {
        builder.Append('{');
        for (int i = 0; i < Members.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            WriteString(builder, Members[i].Name, Members[i].NameEscape);
            builder.Append(':');
            Members[i].Value.Write(builder);
        }

        builder.Append('}');
    }
}
