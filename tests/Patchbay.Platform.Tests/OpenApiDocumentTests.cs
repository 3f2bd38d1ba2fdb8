using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Patchbay.Platform.Tests;

/// <summary>The served OpenAPI document reads cleanly with Microsoft.OpenApi and documents every route's body, key and problems.</summary>
[Collection(PatchbayAppCollection.Name)]
public class OpenApiDocumentTests(PatchbayApp app)
{
    private static readonly string[] Keyed = ["FunctionKey", "FunctionCode"];

    // method, path, the request schema (null: the route reads no body), its fields, the problems beyond 401 and 500.
    public static TheoryData<string, string, string?, string[], int[]> Routes() => new()
    {
        { "GET", "/api/connectors", null, [], [] },
        { "GET", "/api/connectors/{connector}", null, [], [404] },
        { "GET", "/api/tools", null, [], [400, 404] },
        { "POST", "/api/connectors/{connector}/actions/{action}", "ExecuteActionRequest", ["inputs", "auth", "connection_id"], [400, 404, 409, 413, 415, 429, 502, 503, 504] },
        { "POST", "/api/connectors/{connector}/connected-account", "ConnectedAccountRequest", ["auth", "connection_id"], [400, 404, 409, 413, 415, 429, 502, 503, 504] },
        { "POST", "/api/connectors/{connector}/triggers/{trigger}/poll", "PollTriggerRequest", ["inputs", "auth", "connection_id", "last_poll_ts"], [400, 404, 409, 413, 415, 429, 502, 503, 504] },
        { "POST", "/api/connections", "CreateConnectionRequest", ["connector", "entity_id", "credentials", "redirect_uri", "scopes"], [400, 404, 409, 413, 415, 503] },
        { "GET", "/api/connections", null, [], [400, 503] },
        { "GET", "/api/connections/{id}", null, [], [400, 404, 503] },
        { "POST", "/api/connections/{id}/check", null, [], [404, 409, 503] },
        { "DELETE", "/api/connections/{id}", null, [], [404, 503] },
        { "POST", "/api/subscriptions", "CreateSubscriptionRequest", ["connector", "trigger", "inputs", "connection_id", "entity_id", "destination", "deliver_existing"], [400, 404, 409, 413, 415, 503] },
        { "GET", "/api/subscriptions", null, [], [400, 503] },
        { "GET", "/api/subscriptions/{id}", null, [], [404, 503] },
        { "DELETE", "/api/subscriptions/{id}", null, [], [404, 503] },
        { "GET", "/api/subscriptions/{id}/events", null, [], [404, 503] },
        { "POST", "/api/subscriptions/{id}/resume", null, [], [404, 503] },
        { "POST", "/api/subscriptions/{id}/poll", null, [], [404, 409, 503] },
    };

    [Fact]
    public async Task Issue11Item10_TheDocument_ReadsWithNoErrorsAndNoWarnings_AndValidates()
    {
        (OpenApiDocument document, OpenApiDiagnostic diagnostic) = await ReadAsync();

        Assert.Empty(diagnostic.Errors.Select(e => e.ToString()));
        Assert.Empty(diagnostic.Warnings.Select(w => w.ToString()));
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => e.ToString()));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Issue11Item10_EachRoute_DocumentsItsBodyKeyAndProblems(string method, string path, string? requestSchema, string[] fields, int[] problems)
    {
        (OpenApiDocument document, _) = await ReadAsync();
        OpenApiOperation operation = document.Paths[path].Operations![HttpMethod.Parse(method)];

        if (requestSchema is null)
        {
            Assert.Null(operation.RequestBody);
        }
        else
        {
            IOpenApiSchema body = operation.RequestBody!.Content!["application/json"].Schema!;
            Assert.Equal(requestSchema, Assert.IsType<OpenApiSchemaReference>(body).Reference.Id);
            Assert.Equal(fields.Order(StringComparer.Ordinal), document.Components!.Schemas![requestSchema].Properties!.Keys.Order(StringComparer.Ordinal));
        }

        int[] expected = [.. problems.Concat([401, 500]).Distinct().Order()];
        Assert.Equal(expected, ErrorStatuses(operation));
        foreach (int status in expected)
        {
            IOpenApiSchema schema = operation.Responses![status.ToString(System.Globalization.CultureInfo.InvariantCulture)].Content!["application/problem+json"].Schema!;
            Assert.Equal("Problem", Assert.IsType<OpenApiSchemaReference>(schema).Reference.Id);
        }

        Assert.Equal(Keyed, operation.Security!.Select(requirement => Assert.Single(requirement).Key.Reference.Id));
    }

    [Fact]
    public async Task Issue11Item10_EveryServedRoute_IsDocumented_KeyedAndWithProblems_ButHealth()
    {
        (OpenApiDocument document, _) = await ReadAsync();
        var served = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.Trim('/'), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []))
            // /api/mcp is a JSON-RPC protocol endpoint (MCP streamable HTTP), described by the MCP spec, not by OpenAPI;
            // /api/connect is the hosted connect page (HTML for a browser), not an API.
            .Where(e => e.Path is not ("/" or "/api/mcp" or "/api/connect") && !e.Path.StartsWith("/api/docs", StringComparison.Ordinal) && !e.Path.StartsWith("/api/openapi", StringComparison.Ordinal))
            .SelectMany(e => e.Methods.Select(m => (e.Path, Method: m)))
            .ToArray();
        Assert.NotEmpty(served);

        foreach ((string path, string method) in served)
        {
            Assert.True(document.Paths.TryGetValue(path, out IOpenApiPathItem? item) && item.Operations!.ContainsKey(HttpMethod.Parse(method)), $"{method} {path} is not in the document");
            OpenApiOperation operation = item!.Operations![HttpMethod.Parse(method)];
            if (path is "/api/health" or "/api/health/ready" or "/api/oauth/callback")
            {
                Assert.Null(operation.Security);
                continue;
            }

            Assert.True(operation.Security is { Count: 2 }, $"{method} {path} documents no key");
            Assert.True(ErrorStatuses(operation).Contains(401) && ErrorStatuses(operation).Contains(500), $"{method} {path} documents no problems: add .WithPatchbayProblems(…)");
            if (method == "POST" && path is not ("/api/subscriptions/{id}/resume" or "/api/subscriptions/{id}/poll" or "/api/connections/{id}/check"))
            {
                Assert.True(operation.RequestBody?.Content?["application/json"].Schema is OpenApiSchemaReference, $"{method} {path} documents no named body: add .WithJsonBody<TRequest>()");
            }
        }

        Assert.DoesNotContain(document.Components!.Schemas!.Keys, name => name.StartsWith("Anonymous", StringComparison.Ordinal));
        Assert.Equal("HealthResponse", Assert.IsType<OpenApiSchemaReference>(document.Paths["/api/health"].Operations![HttpMethod.Get].Responses!["200"].Content!["application/json"].Schema).Reference.Id);
    }

    [Fact]
    public async Task Issue11Item10_TheProblemSchema_HasEveryFieldARealProblemCarries()
    {
        (OpenApiDocument document, _) = await ReadAsync();
        IOpenApiSchema problemSchema = document.Components!.Schemas!["Problem"];
        JsonElement problem = await (await app.Client.PostAsync("/api/connectors/upstream-test/actions/get_thing", Http.Json(new { inputs = new { }, surprise = 1 }))).ProblemAsync(400);

        foreach (JsonProperty property in problem.EnumerateObject())
        {
            Assert.True(problemSchema.Properties!.ContainsKey(property.Name), $"the Problem schema has no '{property.Name}'");
        }

        Assert.Contains("errors", problem.EnumerateObject().Select(p => p.Name));
        IOpenApiSchema error = problemSchema.Properties!["errors"].Items!;
        Assert.Equal(["message", "path"], error.Properties!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("invocation_id", problemSchema.Properties!.Keys);
    }

    private static int[] ErrorStatuses(OpenApiOperation operation) =>
        [.. operation.Responses!.Keys.Select(k => int.Parse(k, System.Globalization.CultureInfo.InvariantCulture)).Where(s => s >= 400).Order()];

    private async Task<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> ReadAsync()
    {
        string text = await app.Client.GetStringAsync("/api/openapi/v1.json");
        ReadResult result = OpenApiDocument.Parse(text, OpenApiConstants.Json);
        Assert.NotNull(result.Document);
        return (result.Document, result.Diagnostic!);
    }
}
