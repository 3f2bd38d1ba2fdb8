using System.Globalization;
using System.Text;

namespace Patchbay.Sdk.Schema;

/// <summary>
/// Collects errors and the current instance path. Only created for <see cref="JsonSchema.Validate"/> after the
/// fast pass has found the instance invalid, so nothing here runs on the success path.
/// </summary>
internal sealed class ValidationContext(bool stopAtFirstError)
{
    private readonly List<SchemaError> _errors = [];
    private readonly List<string> _path = [];

    public List<SchemaError> Errors => _errors;

    /// <summary>Whether evaluation should stop now (StopAtFirstError and an error is recorded).</summary>
    public bool Stopped => stopAtFirstError && _errors.Count > 0;

    public void Push(string propertyName) => _path.Add(EscapeToken(propertyName));

    public void Push(int index) => _path.Add(index.ToString(CultureInfo.InvariantCulture));

    public void Pop() => _path.RemoveAt(_path.Count - 1);

    public void Report(string schemaPath, string keyword, string message) =>
        _errors.Add(new SchemaError(CurrentPath(null), schemaPath, keyword, message));

    /// <summary>Reports an error at a child of the current location (a missing or forbidden property).</summary>
    public void ReportAtChild(string childName, string schemaPath, string keyword, string message) =>
        _errors.Add(new SchemaError(CurrentPath(childName), schemaPath, keyword, message));

    private string CurrentPath(string? child)
    {
        if (_path.Count == 0 && child is null)
        {
            return "";
        }

        var sb = new StringBuilder();
        foreach (string token in _path)
        {
            sb.Append('/').Append(token);
        }

        if (child is not null)
        {
            sb.Append('/').Append(EscapeToken(child));
        }

        return sb.ToString();
    }

    public static string EscapeToken(string token) =>
        token.Contains('~', StringComparison.Ordinal) || token.Contains('/', StringComparison.Ordinal)
            ? token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : token;
}
