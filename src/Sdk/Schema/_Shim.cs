#pragma warning disable
using System.Text.Json;
namespace Patchbay.Sdk.Schema;
public sealed class JsonSchema {
  public static JsonSchema Parse(string json, JsonSchemaOptions? options = null) => new();
  public static JsonSchema Parse(JsonElement schema, JsonSchemaOptions? options = null) => new();
  public SchemaValidationResult Validate(JsonElement instance) => default;
  public bool IsValid(JsonElement instance) => true;
  public IReadOnlyList<string> Warnings { get; } = [];
}
public sealed class JsonSchemaOptions { }
public readonly struct SchemaValidationResult { public bool IsValid { get; } public IReadOnlyList<SchemaError> Errors => []; }
public sealed record SchemaError(string InstancePath, string SchemaPath, string Keyword, string Message);
public sealed class JsonSchemaException : Exception { public string SchemaPath { get; } = ""; }
