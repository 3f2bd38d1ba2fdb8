namespace Patchbay.Sdk.Schema;

/// <summary>
/// Options for parsing and validating a <see cref="JsonSchema"/>. Read once, when the schema is compiled.
/// </summary>
public sealed class JsonSchemaOptions
{
    /// <summary>The default for <see cref="MaxSchemaDepth"/>.</summary>
    public const int DefaultMaxSchemaDepth = 64;

    /// <summary>The default for <see cref="MaxInstanceDepth"/>.</summary>
    public const int DefaultMaxInstanceDepth = 128;

    /// <summary>
    /// Documents that remote <c>$ref</c>s resolve to: absolute URI (without fragment) to schema JSON text.
    /// </summary>
    /// <value>An empty, ordinal-keyed dictionary.</value>
    /// <remarks>
    /// The validator never makes a network request: a <c>$ref</c> to any other document than these, the schema
    /// itself and the draft-07 meta-schema is a <see cref="JsonSchemaException"/> at parse time.
    /// </remarks>
    public IDictionary<string, string> RemoteDocuments { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether <c>format</c> is an assertion (true) or an annotation only (false).</summary>
    /// <value><see langword="true"/>. Unknown formats always pass.</value>
    public bool AssertFormat { get; set; } = true;

    /// <summary>Whether <see cref="JsonSchema.Validate"/> stops at the first error.</summary>
    /// <value><see langword="false"/>: all errors are reported.</value>
    public bool StopAtFirstError { get; set; }

    /// <summary>How deeply schemas may nest inside the schema document.</summary>
    /// <value><see cref="DefaultMaxSchemaDepth"/>. A deeper schema is a <see cref="JsonSchemaException"/>.</value>
    public int MaxSchemaDepth { get; set; } = DefaultMaxSchemaDepth;

    /// <summary>How deeply an instance may nest where the schema looks into it.</summary>
    /// <value><see cref="DefaultMaxInstanceDepth"/>. Deeper instances fail validation with a <c>maxDepth</c> error.</value>
    public int MaxInstanceDepth { get; set; } = DefaultMaxInstanceDepth;

    /// <summary>The time limit for one <c>pattern</c> or <c>patternProperties</c> match.</summary>
    /// <value>250 milliseconds. A match that times out is a validation error.</value>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(250);
}
