using System.Globalization;
using System.Numerics;
using System.Text;
using CsCheck;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>
/// <see cref="JsonNumber"/> (the validator's exact numbers) against plain big-integer arithmetic written here: random
/// JSON number spellings of up to 40 digits and exponents up to ±40, so both the decimal fast path and the big path run,
/// and pairs that are the same value spelled two ways. Fixed seeds: the same cases every run.
/// </summary>
public class JsonNumberTests
{
    private const int Cases = 20_000;

    private static readonly Gen<string> Digits = Gen.Int[0, 9].Array[1, 40].Select(d => string.Concat(d));

    /// <summary>A value as (digits, exponent): the number digits × 10^exponent.</summary>
    private static readonly Gen<(bool Negative, string Digits, int Exponent)> Values =
        Gen.Select(Gen.Bool, Digits, Gen.Int[-40, 40]);

    /// <summary>One spelling of a value: the decimal point moved <c>shift</c> places, trailing zeros added, e or E.</summary>
    private static string Spell((bool Negative, string Digits, int Exponent) value, int shift, int zeros, bool upper)
    {
        string digits = value.Digits.TrimStart('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        digits += digits == "0" ? "" : new string('0', zeros);
        int exponent = value.Exponent - (digits == "0" ? 0 : zeros);
        int point = Math.Clamp(digits.Length - shift, 1, digits.Length); // digits before the point
        string mantissa = point == digits.Length ? digits : digits[..point] + "." + digits[point..];
        exponent += digits.Length - point;
        var text = new StringBuilder(value.Negative ? "-" : "");
        text.Append(mantissa);
        if (exponent != 0)
        {
            text.Append(upper ? 'E' : 'e').Append(exponent.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static readonly Gen<string> Spelled =
        Gen.Select(Values, Gen.Int[0, 45], Gen.Int[0, 3], Gen.Bool, (v, shift, zeros, upper) => Spell(v, shift, zeros, upper));

    [Fact]
    public void Compare_Equals_IsInteger_MultipleOf_MatchBigIntegerArithmetic()
    {
        Gen<(string, string)> pairs = Gen.Select(Spelled, Spelled);
        for (int i = 0; i < Cases; i++)
        {
            (string a, string b) = pairs.Generate(new PCG(11, (ulong)i * 7919), null, out _);
            CheckPair(a, b);
        }
    }

    [Fact]
    public void SameValueSpelledTwoWays_IsEqualAndHashesEqual()
    {
        Gen<(string, string)> pairs = Gen.Select(Values, Gen.Int[0, 45], Gen.Int[0, 45], Gen.Int[0, 3], (v, s1, s2, z) => (Spell(v, s1, 0, false), Spell(v, s2, z, true)));
        for (int i = 0; i < Cases; i++)
        {
            (string a, string b) = pairs.Generate(new PCG(13, (ulong)i * 7919), null, out _);
            JsonNumber x = Read(a);
            JsonNumber y = Read(b);
            Assert.True(x.CompareTo(y) == 0, a + " and " + b + " are the same number");
            Assert.True(x.GetHashCode() == y.GetHashCode(), a + " and " + b + " must hash alike (uniqueItems)");
            Assert.Equal(x.IsDecimal, y.IsDecimal);
        }
    }

    private static void CheckPair(string a, string b)
    {
        JsonNumber x = Read(a);
        JsonNumber y = Read(b);
        (BigInteger ma, long ea) = Exact(a);
        (BigInteger mb, long eb) = Exact(b);
        long common = Math.Min(ea, eb);
        BigInteger left = ma * BigInteger.Pow(10, (int)(ea - common));
        BigInteger right = mb * BigInteger.Pow(10, (int)(eb - common));
        Assert.True(Math.Sign(x.CompareTo(y)) == left.CompareTo(right), "compare " + a + " with " + b);
        Assert.True(x.IsInteger == (ma.IsZero || ea >= 0), a + " integer?");
        Assert.True(x.Sign == ma.Sign, a + " sign");
        if (!mb.IsZero)
        {
            bool multiple = (left % right).IsZero;
            Assert.True(x.IsMultipleOf(Abs(y)) == multiple, a + " multiple of " + b + "?");
        }
    }

    private static JsonNumber Abs(JsonNumber number) => number.Sign < 0 ? Read(number.ToString()[1..]) : number;

    private static JsonNumber Read(string raw) => JsonNumber.Parse(Encoding.UTF8.GetBytes(raw));

    /// <summary>The exact value: significand × 10^exponent, the significand without trailing zeros.</summary>
    private static (BigInteger Significand, long Exponent) Exact(string raw)
    {
        int e = raw.IndexOfAny(['e', 'E']);
        string mantissa = e < 0 ? raw : raw[..e];
        long exponent = e < 0 ? 0 : long.Parse(raw[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            exponent -= mantissa.Length - dot - 1;
            mantissa = mantissa.Remove(dot, 1);
        }

        BigInteger significand = BigInteger.Parse(mantissa, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (significand.IsZero)
        {
            return (significand, 0);
        }

        while ((significand % 10).IsZero)
        {
            significand /= 10;
            exponent++;
        }

        return (significand, exponent);
    }
}
