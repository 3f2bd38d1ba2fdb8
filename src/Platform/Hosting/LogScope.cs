using System.Collections;
using System.Globalization;

namespace Patchbay.Platform.Hosting;

/// <summary>
/// A logging scope of named values (invocation id, connector, action, connection): structured for JSON
/// logs and Application Insights, and readable as <c>Name=value</c> pairs in the plain console.
/// </summary>
public sealed class LogScope(params KeyValuePair<string, object?>[] values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public KeyValuePair<string, object?> this[int index] => values[index];

    public int Count => values.Length;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        string.Join(", ", values.Where(v => v.Value is not null).Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value}")));
}
