namespace Patchbay.Sdk.Schema;

/// <summary>One reason an instance does not match a schema.</summary>
/// <param name="InstancePath">JSON Pointer to the offending value in the instance ("" is the root); for a missing required property, the path the property would have.</param>
/// <param name="SchemaPath">JSON Pointer to the failing keyword in the schema, e.g. <c>/properties/limit/maximum</c>.</param>
/// <param name="Keyword">The failing keyword, e.g. <c>maximum</c>.</param>
/// <param name="Message">What is wrong, for a person: e.g. "must be at most 100".</param>
public sealed record SchemaError(string InstancePath, string SchemaPath, string Keyword, string Message)
{
    /// <summary>Returns "instancePath: message" (the root shows as "(root)").</summary>
    /// <returns>A one-line description of the error.</returns>
    public override string ToString() => (InstancePath.Length == 0 ? "(root)" : InstancePath) + ": " + Message;
}
