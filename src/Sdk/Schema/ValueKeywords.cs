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
    public JsonNumber Limit { get; } = limit;

    /// <summary>Whether the limit is a whole number that fits a <see cref="long"/> (<see cref="LongLimit"/>).</summary>
    public bool LimitIsLong { get; } = limit.TryGetInt64(out _);

    public long LongLimit { get; } = limit.TryGetInt64(out long whole) ? whole : 0;

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        int comparison = LimitIsLong && instance.TryGetInt64(out long value)
            ? value.CompareTo(LongLimit)
            : JsonNumber.Read(instance).CompareTo(Limit);
        return Passes(comparison) || (context is not null && Fail(context, kind switch
        {
            BoundKind.Minimum => "must be at least " + display,
            BoundKind.Maximum => "must be at most " + display,
            BoundKind.ExclusiveMinimum => "must be greater than " + display,
            _ => "must be less than " + display,
        }));
    }

    /// <summary>Whether a value that compares to the limit as <paramref name="comparison"/> (-1, 0, 1) is within the bound.</summary>
    public bool Passes(int comparison) => kind switch
    {
        BoundKind.Minimum => comparison >= 0,
        BoundKind.Maximum => comparison <= 0,
        BoundKind.ExclusiveMinimum => comparison > 0,
        _ => comparison < 0,
    };
}

/// <summary>
/// Two or more bounds of one schema (<c>minimum</c> and <c>maximum</c>, say): the fast pass reads the number once for
/// all of them instead of once per bound. With a context each bound evaluates, and reports, as it does on its own.
/// </summary>
internal sealed class BoundsKeyword(BoundKeyword[] bounds) : Keyword(bounds[0].SchemaPath, bounds[0].Name)
{
    private readonly bool _allLong = Array.TrueForAll(bounds, b => b.LimitIsLong);

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        if (context is not null)
        {
            bool valid = true;
            foreach (BoundKeyword bound in bounds)
            {
                if (!bound.Evaluate(instance, context, instanceDepth, refDepth))
                {
                    valid = false;
                    if (context.Stopped)
                    {
                        return false;
                    }
                }
            }

            return valid;
        }

        if (_allLong && instance.TryGetInt64(out long value))
        {
            foreach (BoundKeyword bound in bounds)
            {
                if (!bound.Passes(value.CompareTo(bound.LongLimit)))
                {
                    return false;
                }
            }

            return true;
        }

        JsonNumber number = JsonNumber.Read(instance);
        foreach (BoundKeyword bound in bounds)
        {
            if (!bound.Passes(number.CompareTo(bound.Limit)))
            {
                return false;
            }
        }

        return true;
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
