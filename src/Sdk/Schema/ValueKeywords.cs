using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchbay.Sdk.Schema;

/// <summary><c>minLength</c> / <c>maxLength</c>, counted in Unicode code points.</summary>
internal sealed class LengthKeyword(string schemaPath, string name, long limit) : Keyword(schemaPath, name)
{
    private readonly bool _isMax = name == "maxLength";

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        // Every code point takes at least one raw byte: a short enough raw string needs no counting.
        if (_isMax && JsonValues.RawString(instance).Length <= limit)
        {
            return true;
        }

        int length = JsonValues.CodePointLength(instance);
        if (_isMax ? length <= limit : length >= limit)
        {
            return true;
        }

        return context is not null && Fail(context, _isMax
            ? "is " + length + " characters long; at most " + limit + " allowed"
            : "is " + length + " characters long; at least " + limit + " required");
    }
}

/// <summary>A compiled <c>pattern</c> regex as a string test. A match that times out counts as no match.</summary>
internal sealed class RegexPredicate(Regex regex) : StringPredicate
{
    public Regex Regex { get; } = regex;

    public override bool Test(ReadOnlySpan<char> value)
    {
        try
        {
            return Regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}

/// <summary><c>pattern</c> (unanchored, ECMAScript-style classes).</summary>
internal sealed class PatternKeyword(string schemaPath, string pattern, RegexPredicate predicate) : Keyword(schemaPath, "pattern")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth) =>
        JsonValues.TestString(instance, predicate) || (context is not null && Fail(context, "must match the pattern " + pattern));
}

/// <summary><c>format</c> when asserted.</summary>
internal sealed class FormatKeyword(string schemaPath, string format, StringPredicate predicate) : Keyword(schemaPath, "format")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth) =>
        JsonValues.TestString(instance, predicate) || (context is not null && Fail(context, "is not a valid " + format));
}

internal enum BoundKind
{
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

/// <summary><c>minimum</c>, <c>maximum</c>, <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>.</summary>
internal sealed class BoundKeyword(string schemaPath, string name, BoundKind kind, JsonNumber limit, string display) : Keyword(schemaPath, name)
{
    private readonly bool _limitIsLong = limit.TryGetInt64(out _);
    private readonly long _longLimit = limit.TryGetInt64(out long whole) ? whole : 0;

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        int comparison = _limitIsLong && instance.TryGetInt64(out long value)
            ? value.CompareTo(_longLimit)
            : JsonNumber.Read(instance).CompareTo(limit);
        bool valid = kind switch
        {
            BoundKind.Minimum => comparison >= 0,
            BoundKind.Maximum => comparison <= 0,
            BoundKind.ExclusiveMinimum => comparison > 0,
            _ => comparison < 0,
        };

        return valid || (context is not null && Fail(context, kind switch
        {
            BoundKind.Minimum => "must be at least " + display,
            BoundKind.Maximum => "must be at most " + display,
            BoundKind.ExclusiveMinimum => "must be greater than " + display,
            _ => "must be less than " + display,
        }));
    }
}

/// <summary><c>multipleOf</c>: exact (decimal where both fit, else big integers; see <see cref="JsonNumber"/>).</summary>
internal sealed class MultipleOfKeyword(string schemaPath, JsonNumber divisor, string display) : Keyword(schemaPath, "multipleOf")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        bool valid = JsonNumber.Read(instance).IsMultipleOf(divisor);
        return valid || (context is not null && Fail(context, "must be a multiple of " + display));
    }
}
