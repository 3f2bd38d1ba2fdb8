using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>An upstream answer.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Headers">Response and content headers; names are case-insensitive, repeated values joined with ", ".</param>
/// <param name="Data">The body: parsed JSON; text as a JSON string; <see cref="JsonValueKind.Undefined"/> when empty.</param>
public sealed record FetchResponse(int Status, IReadOnlyDictionary<string, string> Headers, JsonElement Data);
