using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Patchbay.Platform.Tests;

internal static class Http
{
    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static StringContent Raw(string text, string contentType = "application/json") => new(text, Encoding.UTF8, contentType);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.ReadJsonAsync();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:patchbay:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        return problem;
    }

    public static IEnumerable<string> ErrorPaths(this JsonElement problem) =>
        problem.TryGetProperty("errors", out JsonElement errors) ? errors.EnumerateArray().Select(e => e.GetProperty("path").GetString()!) : [];
}
