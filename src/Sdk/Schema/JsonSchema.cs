using System.Text.Json;

namespace Patchbay.Sdk.Schema;

/// <summary>
/// A compiled draft-7 JSON Schema. Parse once and reuse: the compiled schema is immutable and safe to use from
/// many threads, and validating a valid instance allocates nothing.
/// </summary>
/// <remarks>
/// <c>$ref</c>s resolve inside the schema, to <see cref="JsonSchemaOptions.RemoteDocuments"/> and to the draft-07
/// meta-schema; the validator never makes a network request. Recursion is bounded by
/// <see cref="JsonSchemaOptions.MaxSchemaDepth"/> and <see cref="JsonSchemaOptions.MaxInstanceDepth"/>.
/// </remarks>
public sealed class JsonSchema
{
    private readonly SchemaNode _root;
    private readonly bool _stopAtFirstError;

    private JsonSchema(SchemaNode root, IReadOnlyList<string> warnings, bool stopAtFirstError)
    {
        _root = root;
        Warnings = warnings;
        _stopAtFirstError = stopAtFirstError;
    }

    /// <summary>
    /// Lenient-mode warnings found at parse time: keywords in an older draft's form (such as <c>"required": true</c>
    /// inside a property schema) that were ignored or reinterpreted instead of failing the parse.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Parses and compiles a schema from JSON text.</summary>
    /// <param name="json">The schema document.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <returns>The compiled schema.</returns>
    /// <exception cref="JsonSchemaException">The text is not JSON, the schema is not valid draft 7, or a <c>$ref</c> cannot be resolved.</exception>
    /// <exception cref="ArgumentException">The options are out of range (all problems in one message).</exception>
    public static JsonSchema Parse(string json, JsonSchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        options ??= new JsonSchemaOptions();
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = Math.Max(64, options.MaxSchemaDepth * 4) });
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new JsonSchemaException("", "the schema is not valid JSON (" + ex.Message + "); fix the JSON syntax", ex);
        }

        return Compile(root, options);
    }

    /// <summary>Compiles a schema from a parsed JSON element (the element is copied; the caller's document may be disposed).</summary>
    /// <param name="schema">The schema document.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <returns>The compiled schema.</returns>
    /// <exception cref="JsonSchemaException">The schema is not valid draft 7, or a <c>$ref</c> cannot be resolved.</exception>
    public static JsonSchema Parse(JsonElement schema, JsonSchemaOptions? options = null) =>
        Compile(schema.Clone(), options ?? new JsonSchemaOptions());

    private static JsonSchema Compile(JsonElement root, JsonSchemaOptions options)
    {
        ValidateOptions(options);
        var compiler = new SchemaCompiler(options);
        SchemaNode node = compiler.Compile(root);
        return new JsonSchema(node, [.. compiler.Warnings], options.StopAtFirstError);
    }

    private static void ValidateOptions(JsonSchemaOptions options)
    {
        var problems = new List<string>();
        if (options.MaxSchemaDepth < 1)
        {
            problems.Add("MaxSchemaDepth must be at least 1, not " + options.MaxSchemaDepth);
        }

        if (options.MaxInstanceDepth < 1)
        {
            problems.Add("MaxInstanceDepth must be at least 1, not " + options.MaxInstanceDepth);
        }

        if (options.RegexTimeout <= TimeSpan.Zero && options.RegexTimeout != System.Text.RegularExpressions.Regex.InfiniteMatchTimeout)
        {
            problems.Add("RegexTimeout must be positive, not " + options.RegexTimeout);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid JsonSchemaOptions: " + string.Join("; ", problems) + ".", nameof(options));
        }
    }

    /// <summary>Validates an instance and reports every error (or only the first, with <see cref="JsonSchemaOptions.StopAtFirstError"/>).</summary>
    /// <param name="instance">The value to validate.</param>
    /// <returns>The result; allocation-free when the instance is valid.</returns>
    public SchemaValidationResult Validate(JsonElement instance)
    {
        if (_root.Evaluate(instance, null, 0, 0))
        {
            return default;
        }

        // Only invalid instances pay for paths and messages: a second pass that collects them.
        var context = new ValidationContext(_stopAtFirstError);
        _root.Evaluate(instance, context, 0, 0);
        if (context.Errors.Count == 0)
        {
            context.Errors.Add(new SchemaError("", "", "", "does not match the schema"));
        }

        return new SchemaValidationResult(context.Errors.AsReadOnly());
    }

    /// <summary>Whether an instance matches the schema. Stops at the first error and allocates nothing.</summary>
    /// <param name="instance">The value to validate.</param>
    /// <returns><see langword="true"/> when the instance is valid.</returns>
    public bool IsValid(JsonElement instance) => _root.Evaluate(instance, null, 0, 0);
}
