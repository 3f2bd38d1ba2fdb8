using System.Text.Json;

namespace Patchbay.Bench;

/// <summary>
/// The bare proxy's request handler, the least an action platform must do per request: read the JSON body, GET its
/// <c>inputs.url</c> through <see cref="IHttpClientFactory"/> (client "upstream"), parse the upstream's JSON, answer it as
/// JSON. No validation, no guard, no retries. bench/BareProxy serves it alone; bench/HostFloor inside Patchbay's host.
/// </summary>
internal static class ProxyHandler
{
    public static async Task HandleAsync(HttpContext context, IHttpClientFactory clients, CancellationToken cancellationToken)
    {
        using JsonDocument request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
        string url = request.RootElement.GetProperty("inputs").GetProperty("url").GetString()
            ?? throw new BadHttpRequestException("inputs.url is required");
        HttpClient client = clients.CreateClient("upstream");
        using HttpResponseMessage response = await client.GetAsync(url, cancellationToken);
        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using JsonDocument upstream = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteNumber("status", (int)response.StatusCode);
        writer.WritePropertyName("body");
        upstream.RootElement.WriteTo(writer);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }
}
