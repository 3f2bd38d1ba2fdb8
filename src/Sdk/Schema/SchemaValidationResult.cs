namespace Patchbay.Sdk.Schema;

/// <summary>The outcome of <see cref="JsonSchema.Validate"/>.</summary>
public readonly struct SchemaValidationResult : IEquatable<SchemaValidationResult>
{
    private readonly IReadOnlyList<SchemaError>? _errors;

    internal SchemaValidationResult(IReadOnlyList<SchemaError>? errors) => _errors = errors;

    /// <summary>Whether the instance matches the schema.</summary>
    public bool IsValid => _errors is null || _errors.Count == 0;

    /// <summary>The errors found; empty when <see cref="IsValid"/>.</summary>
    public IReadOnlyList<SchemaError> Errors => _errors ?? [];

    /// <inheritdoc/>
    public bool Equals(SchemaValidationResult other) => ReferenceEquals(_errors, other._errors);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SchemaValidationResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _errors is null ? 0 : _errors.GetHashCode();

    /// <summary>Compares two results by identity of their error lists.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns>Whether both are the same result.</returns>
    public static bool operator ==(SchemaValidationResult left, SchemaValidationResult right) => left.Equals(right);

    /// <summary>Compares two results by identity of their error lists.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns>Whether the results differ.</returns>
    public static bool operator !=(SchemaValidationResult left, SchemaValidationResult right) => !left.Equals(right);
}
