namespace Patchbay.Sdk.Schema;

/// <summary>A schema could not be parsed: it is not valid JSON, breaks draft 7, or has a <c>$ref</c> that cannot be resolved.</summary>
public sealed class JsonSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="schemaPath">JSON Pointer to the offending place in the schema.</param>
    /// <param name="message">What is wrong and what to do about it.</param>
    public JsonSchemaException(string schemaPath, string message)
        : base(Format(schemaPath, message)) => SchemaPath = schemaPath;

    /// <summary>Creates the exception with an inner exception.</summary>
    /// <param name="schemaPath">JSON Pointer to the offending place in the schema.</param>
    /// <param name="message">What is wrong and what to do about it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public JsonSchemaException(string schemaPath, string message, Exception innerException)
        : base(Format(schemaPath, message), innerException) => SchemaPath = schemaPath;

    /// <summary>JSON Pointer to the offending place in the schema ("" is the root).</summary>
    public string SchemaPath { get; }

    private static string Format(string schemaPath, string message) =>
        "Invalid JSON Schema at '" + (schemaPath.Length == 0 ? "#" : schemaPath) + "': " + message;
}
