using System.Diagnostics.CodeAnalysis;

namespace Patchbay.Sdk.Schema;

/// <summary>The <c>format</c> checks the validator asserts. Unknown formats are not listed and always pass.</summary>
internal static partial class FormatChecks
{
    public static bool TryGet(string format, [NotNullWhen(true)] out StringPredicate? check)
    {
        check = null;
        return false;
    }
}
