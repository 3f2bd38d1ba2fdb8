using System.Text.Json;

// The reference of bench/load/run.sh: a bare minimal-API proxy doing the least an action platform must per request.
// POST /proxy with {"inputs":{"url":"http://127.0.0.1:8089/data.json"}}: read the JSON body, GET the URL through
// IHttpClientFactory, parse the upstream's JSON, answer it as JSON. No logging per request, no validation, no guard.
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddHttpClient("upstream");
WebApplication app = builder.Build();

app.MapPost("/proxy", async (HttpContext context, IHttpClientFactory clients, CancellationToken cancellationToken) =>
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
});

app.Run();
