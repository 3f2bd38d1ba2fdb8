namespace Patchbay.Sdk;

/// <summary>What a <see cref="ValidationError"/> was checking.</summary>
public enum ValidationTarget
{
    /// <summary>The caller's inputs against <c>input_schema</c> (a caller mistake: HTTP 400).</summary>
    Inputs,

    /// <summary>The caller's credentials against <c>auth.fields</c> (a caller mistake: HTTP 400).</summary>
    Auth,

    /// <summary>A handler's result against <c>output_schema</c> (a connector bug: HTTP 500).</summary>
    Output,

    /// <summary>A poll's records (id and data) (a connector bug: HTTP 500).</summary>
    Records,
}

/// <summary>One failed check: where (a JSON Pointer into the checked value) and why.</summary>
/// <param name="Path">JSON Pointer, e.g. <c>/owner/id</c>; empty for the value itself.</param>
/// <param name="Message">What is wrong, e.g. <c>must be at most 100</c>.</param>
public sealed record FieldError(string Path, string Message);

/// <summary>Inputs, credentials, output or records failed their schema; <see cref="Errors"/> lists every problem with its path.</summary>
public sealed class ValidationError : Exception
{
    /// <summary>Creates the error.</summary>
    public ValidationError(ValidationTarget target, string subject, IReadOnlyList<FieldError> errors)
        : base(Describe(target, subject, errors))
    {
        Target = target;
        Errors = errors;
    }

    /// <summary>What was being checked.</summary>
    public ValidationTarget Target { get; }

    /// <summary>Every problem found, with its path.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>Whether the caller sent the bad value (inputs, auth) rather than the connector producing it.</summary>
    public bool IsCallerError => Target is ValidationTarget.Inputs or ValidationTarget.Auth;

    private static string Describe(ValidationTarget target, string subject, IReadOnlyList<FieldError> errors)
    {
        string what = target switch
        {
            ValidationTarget.Inputs => $"The inputs for {subject} are not valid",
            ValidationTarget.Auth => $"The credentials for {subject} are not valid",
            ValidationTarget.Output => $"The result of {subject} does not match its output_schema (a connector bug)",
            _ => $"The records from {subject} are not valid (a connector bug)",
        };
        IEnumerable<string> lines = errors.Take(10).Select(e => $"{(e.Path.Length == 0 ? "/" : e.Path)}: {e.Message}");
        string more = errors.Count > 10 ? $"; and {errors.Count - 10} more" : string.Empty;
        return $"{what}: {string.Join("; ", lines)}{more}";
    }
}
