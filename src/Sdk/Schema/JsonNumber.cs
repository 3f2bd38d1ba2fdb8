using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Patchbay.Sdk.Schema;

/// <summary>
/// A JSON number read exactly. Numbers of at most 28 significant digits within decimal's range (nearly all of them)
/// are a <see cref="decimal"/>, read without allocating; any other (1e-30, 1e400, 31 digits) is a big-integer
/// significand times a power of ten. Comparison, equality, <c>multipleOf</c> and the integer test are exact either
/// way, never rounded through double: draft 7 compares the JSON values themselves.
/// </summary>
/// <remarks>
/// Exponents are read up to ±2^60; beyond that they saturate (no document can tell such numbers apart usefully).
/// No operation raises ten to an exponent taken from the document, so <c>1e1000000000</c> costs no more than <c>1</c>.
/// </remarks>
internal readonly struct JsonNumber : IEquatable<JsonNumber>
{
    /// <summary>The most significant digits a decimal is trusted with (its 96-bit significand holds any 28 digits).</summary>
    private const int DecimalDigits = 28;
    private const long ExponentLimit = 1L << 60;

    private readonly decimal _decimal;
    private readonly BigInteger _significand; // when !IsDecimal: no trailing zeros
    private readonly long _exponent;

    private JsonNumber(decimal value)
    {
        _decimal = value;
        IsDecimal = true;
    }

    private JsonNumber(BigInteger significand, long exponent)
    {
        _significand = significand;
        _exponent = exponent;
    }

    /// <summary>Whether the value is held as a decimal (exact); else as significand × 10^exponent (also exact).</summary>
    public bool IsDecimal { get; }

    /// <summary>-1, 0 or 1.</summary>
    public int Sign => IsDecimal ? Math.Sign(_decimal) : _significand.Sign;

    /// <summary>Whether the value is a whole number (draft 7: 1.0 and 1e2 are integers).</summary>
    public bool IsInteger => IsDecimal ? decimal.Truncate(_decimal) == _decimal : _exponent >= 0;

    public static JsonNumber Read(JsonElement element) => Parse(JsonMarshal.GetRawUtf8Value(element));

    /// <summary>Reads a number in JSON syntax (as <see cref="JsonDocument"/> has already checked it).</summary>
    public static JsonNumber Parse(ReadOnlySpan<byte> raw)
    {
        int i = 0;
        bool negative = raw.Length > 0 && raw[0] == (byte)'-';
        if (negative)
        {
            i++;
        }

        UInt128 leading = 0; // the first DecimalDigits significant digits
        long significant = 0; // significant digits, trailing zeros excluded
        long pendingZeros = 0; // zeros after the last non-zero digit
        long fractionDigits = 0;
        bool fraction = false;
        for (; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == (byte)'.')
            {
                fraction = true;
                continue;
            }

            if (b is (byte)'e' or (byte)'E')
            {
                break;
            }

            if (fraction)
            {
                fractionDigits++;
            }

            int digit = b - '0';
            if (digit == 0)
            {
                if (significant > 0)
                {
                    pendingZeros++;
                }

                continue;
            }

            long grown = significant == 0 ? 1 : significant + pendingZeros + 1;
            if (grown <= DecimalDigits)
            {
                leading = (leading * Pow10((int)(grown - significant))) + (UInt128)digit;
            }

            significant = grown;
            pendingZeros = 0;
        }

        long exponent = ReadExponent(raw, i);
        if (significant == 0)
        {
            return new JsonNumber(0m);
        }

        // value = significand × 10^scaleExponent, significand without trailing zeros
        long scaleExponent = Saturate(exponent - fractionDigits + pendingZeros);
        if (significant <= DecimalDigits && scaleExponent >= -DecimalDigits && significant + Math.Max(scaleExponent, 0) <= DecimalDigits)
        {
            UInt128 whole = leading * Pow10((int)Math.Max(scaleExponent, 0));
            return new JsonNumber(new decimal((int)(uint)whole, (int)(uint)(whole >> 32), (int)(uint)(whole >> 64), negative, (byte)Math.Max(-scaleExponent, 0)));
        }

        return new JsonNumber(ReadSignificand(raw, negative, significant), scaleExponent);
    }

    private static long ReadExponent(ReadOnlySpan<byte> raw, int i)
    {
        if (i >= raw.Length)
        {
            return 0;
        }

        i++; // 'e' or 'E'
        bool negative = false;
        if (i < raw.Length && raw[i] is (byte)'+' or (byte)'-')
        {
            negative = raw[i] == (byte)'-';
            i++;
        }

        long value = 0;
        for (; i < raw.Length; i++)
        {
            value = Math.Min((value * 10) + (raw[i] - '0'), ExponentLimit);
        }

        return negative ? -value : value;
    }

    private static long Saturate(long exponent) => Math.Clamp(exponent, -ExponentLimit, ExponentLimit);

    /// <summary>The significant digits (without leading or trailing zeros) as a signed big integer.</summary>
    private static BigInteger ReadSignificand(ReadOnlySpan<byte> raw, bool negative, long significant)
    {
        var digits = new char[significant];
        int count = 0;
        foreach (byte b in raw)
        {
            if (b is (byte)'e' or (byte)'E' || count == digits.Length)
            {
                break;
            }

            if (b is >= (byte)'0' and <= (byte)'9' && (count > 0 || b != (byte)'0'))
            {
                digits[count++] = (char)b;
            }
        }

        BigInteger value = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }

    private static UInt128 Pow10(int exponent)
    {
        UInt128 result = 1;
        for (int i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>The value as a long, when it is a whole number in long's range.</summary>
    public bool TryGetInt64(out long value)
    {
        if (IsDecimal && IsInteger && _decimal is >= long.MinValue and <= long.MaxValue)
        {
            value = (long)_decimal;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Exact comparison.</summary>
    public int CompareTo(JsonNumber other)
    {
        if (IsDecimal && other.IsDecimal)
        {
            return _decimal.CompareTo(other._decimal);
        }

        (BigInteger a, long aExponent) = ToBig();
        (BigInteger b, long bExponent) = other.ToBig();
        if (a.Sign != b.Sign || a.Sign == 0)
        {
            return a.Sign.CompareTo(b.Sign);
        }

        // Same sign: compare magnitudes by order of magnitude first, then digit by digit (aligning costs at most the
        // difference in digit counts, which equals the difference in exponents here).
        long aDigits = DigitCount(a);
        long bDigits = DigitCount(b);
        int magnitude = (aExponent + aDigits).CompareTo(bExponent + bDigits);
        if (magnitude == 0)
        {
            BigInteger x = BigInteger.Abs(a);
            BigInteger y = BigInteger.Abs(b);
            if (aExponent > bExponent)
            {
                x *= BigInteger.Pow(10, (int)(aExponent - bExponent));
            }
            else if (bExponent > aExponent)
            {
                y *= BigInteger.Pow(10, (int)(bExponent - aExponent));
            }

            magnitude = x.CompareTo(y);
        }

        return a.Sign * magnitude;
    }

    /// <summary>Whether this value divided by <paramref name="divisor"/> (positive) is an integer, exactly.</summary>
    public bool IsMultipleOf(JsonNumber divisor)
    {
        if (IsDecimal && divisor.IsDecimal)
        {
            try
            {
                return _decimal % divisor._decimal == 0;
            }
            catch (OverflowException)
            {
                // fall through to the exact big-integer test
            }
        }

        (BigInteger value, long valueExponent) = ToBig();
        (BigInteger step, long stepExponent) = divisor.ToBig();
        if (value.IsZero)
        {
            return true;
        }

        // value/step = (v/s) × 10^k with v and s free of trailing zeros. k < 0 would need 10 | v: impossible.
        long k = valueExponent - stepExponent;
        if (k < 0)
        {
            return false;
        }

        BigInteger v = BigInteger.Abs(value);
        BigInteger s = BigInteger.Abs(step);
        int twos = 0;
        int fives = 0;
        BigInteger rest = s;
        while (rest.IsEven)
        {
            rest >>= 1;
            twos++;
        }

        while ((rest % 5).IsZero)
        {
            rest /= 5;
            fives++;
        }

        // s = 2^twos × 5^fives × rest with rest coprime to 10: 10^k supplies the twos and fives once k is large enough.
        if (!(v % rest).IsZero)
        {
            return false;
        }

        return (k >= twos && k >= fives) || ((v * BigInteger.Pow(10, (int)k)) % s).IsZero;
    }

    /// <summary>Significand and exponent, the significand free of trailing zeros.</summary>
    private (BigInteger Significand, long Exponent) ToBig()
    {
        if (!IsDecimal)
        {
            return (_significand, _exponent);
        }

        if (_decimal == 0)
        {
            return (BigInteger.Zero, 0);
        }

        int[] bits = decimal.GetBits(_decimal);
        var magnitude = new BigInteger(((ulong)(uint)bits[2] << 32) | (uint)bits[1]);
        magnitude = (magnitude << 32) | (uint)bits[0];
        long exponent = -((bits[3] >> 16) & 0xFF);
        while ((magnitude % 10).IsZero)
        {
            magnitude /= 10;
            exponent++;
        }

        return (_decimal < 0 ? -magnitude : magnitude, exponent);
    }

    private static long DigitCount(BigInteger value) => BigInteger.Abs(value).ToString(CultureInfo.InvariantCulture).Length;

    public bool Equals(JsonNumber other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is JsonNumber other && Equals(other);

    /// <summary>Equal values hash equal: a value is a decimal or a big number by its digits alone, never both ways.</summary>
    public override int GetHashCode() => IsDecimal ? _decimal.GetHashCode() : HashCode.Combine(_significand, _exponent);

    public override string ToString() => IsDecimal
        ? _decimal.ToString(CultureInfo.InvariantCulture)
        : _significand.ToString(CultureInfo.InvariantCulture) + "e" + _exponent.ToString(CultureInfo.InvariantCulture);
}
