namespace Patchbay.Sdk.Schema;

/// <summary>
/// Reads a JSON number's text exactly, without converting it to <see cref="decimal"/> or <see cref="double"/>
/// (which round: <c>1e-30</c> reads as decimal 0): sign, significant digits and a power of ten.
/// </summary>
internal static class JsonNumberText
{
    // Exponents beyond this are saturated: they only decide "whole or not" and "too many digits".
    private const long ExponentCap = 1_000_000_000_000_000;

    /// <summary>Whether the number is a whole number (draft 7's <c>integer</c>): <c>5.0</c>, <c>1e2</c> and <c>1e400</c> are, <c>1e-30</c> is not.</summary>
    public static bool IsWhole(ReadOnlySpan<byte> raw)
    {
        Number number = Read(raw);
        return number.IsZero || number.Scale >= 0;
    }

    /// <summary>
    /// Writes a whole number in plain integer form (<c>1e2</c> as <c>100</c>, <c>-0.0</c> as <c>0</c>) when it has at
    /// most <paramref name="maxDigits"/> digits; <see langword="false"/> for other numbers and longer ones.
    /// </summary>
    /// <param name="raw">A valid JSON number's UTF-8 text.</param>
    /// <param name="maxDigits">The most digits written; bounds the work and the output.</param>
    /// <param name="destination">At least <paramref name="maxDigits"/> + 1 bytes (room for a minus sign).</param>
    /// <param name="written">How many bytes were written.</param>
    public static bool TryWritePlainInteger(ReadOnlySpan<byte> raw, int maxDigits, Span<byte> destination, out int written)
    {
        written = 0;
        Number number = Read(raw);
        if (number.IsZero)
        {
            destination[0] = (byte)'0';
            written = 1;
            return true;
        }

        if (number.Scale < 0 || number.Scale > maxDigits || number.SignificantLength + number.Scale > maxDigits)
        {
            return false;
        }

        if (number.Negative) destination[written++] = (byte)'-';
        for (int i = number.First; i <= number.Last; i++) destination[written++] = number.DigitAt(raw, i);
        for (long i = 0; i < number.Scale; i++) destination[written++] = (byte)'0';
        return true;
    }

    private static Number Read(ReadOnlySpan<byte> raw)
    {
        int i = 0;
        bool negative = raw.Length > 0 && raw[0] == (byte)'-';
        if (negative) i++;

        int intStart = i;
        while (i < raw.Length && IsDigit(raw[i])) i++;
        int intEnd = i;

        int fracStart = i, fracEnd = i;
        if (i < raw.Length && raw[i] == (byte)'.')
        {
            fracStart = ++i;
            while (i < raw.Length && IsDigit(raw[i])) i++;
            fracEnd = i;
        }

        long exponent = 0;
        if (i < raw.Length && (raw[i] == (byte)'e' || raw[i] == (byte)'E'))
        {
            i++;
            bool negativeExponent = i < raw.Length && raw[i] == (byte)'-';
            if (i < raw.Length && (raw[i] == (byte)'-' || raw[i] == (byte)'+')) i++;
            for (; i < raw.Length && IsDigit(raw[i]); i++)
            {
                exponent = Math.Min(ExponentCap, (exponent * 10) + (raw[i] - (byte)'0'));
            }

            if (negativeExponent) exponent = -exponent;
        }

        var number = new Number(negative, intStart, intEnd, fracStart, fracEnd);
        int length = number.DigitCount;
        int first = 0;
        while (first < length && number.DigitAt(raw, first) == (byte)'0') first++;
        if (first == length)
        {
            return number with { IsZero = true };
        }

        int last = length - 1;
        while (number.DigitAt(raw, last) == (byte)'0') last--;

        // value = digits[first..last] x 10^(exponent - fraction digits + trailing zeros dropped)
        long scale = exponent - (fracEnd - fracStart) + (length - 1 - last);
        return number with { First = first, Last = last, Scale = scale };
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>The digits of the integer part and then the fraction, addressed as one sequence.</summary>
    private readonly record struct Number(bool Negative, int IntStart, int IntEnd, int FracStart, int FracEnd)
    {
        public bool IsZero { get; init; }

        public int First { get; init; }

        public int Last { get; init; }

        public long Scale { get; init; }

        public int DigitCount => (IntEnd - IntStart) + (FracEnd - FracStart);

        public long SignificantLength => Last - First + 1;

        public byte DigitAt(ReadOnlySpan<byte> raw, int index)
        {
            int intLength = IntEnd - IntStart;
            return index < intLength ? raw[IntStart + index] : raw[FracStart + index - intLength];
        }
    }
}
