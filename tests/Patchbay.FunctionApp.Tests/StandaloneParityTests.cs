using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Hosting;

namespace Patchbay.FunctionApp.Tests;

/// <summary>
/// The standalone host (src/Server) serves the API the worker's functions.metadata declares: the same routes, methods and
/// names, and a key is needed exactly where the Functions host would need a function key. Nothing here touches storage.
/// </summary>
public sealed partial class StandaloneParityTests : IClassFixture<StandaloneParityTests.Standalone>
{
    private readonly Standalone _standalone;

    public StandaloneParityTests(Standalone standalone) => _standalone = standalone;

    public static TheoryData<string> HttpFunctionNames()
    {
        var names = new TheoryData<string>();
        foreach (FunctionEntry function in FunctionAppOutput.Functions().Where(f => f.IsHttp).OrderBy(f => f.Name, StringComparer.Ordinal)) names.Add(function.Name);
        return names;
    }

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public void EveryHttpFunction_IsAStandaloneEndpointOfTheSameName_RouteAndMethods(string name)
    {
        FunctionEntry function = FunctionAppOutput.Functions().Single(f => f.Name == name);

        Endpoint endpoint = Assert.Single(_standalone.ApiEndpoints(), e => e.Name == name);
        Assert.Equal($"/{PatchbayRoutes.Prefix}/{function.Route}", endpoint.Pattern);
        Assert.Equal(function.Methods, endpoint.Methods);
    }

    [Fact]
    public void EveryStandaloneApiEndpoint_IsAFunction_ButTheApiReference()
    {
        string[] functions = [.. FunctionAppOutput.Functions().Where(f => f.IsHttp).SelectMany(f => f.Methods.Select(m => $"{m} /{PatchbayRoutes.Prefix}/{f.Route}"))];

        string[] standalone = [.. _standalone.ApiEndpoints().Where(e => !Standalone.IsApiReference(e.Pattern)).SelectMany(e => e.Methods.Select(m => $"{m} {e.Pattern}"))];

        Assert.Equal(functions.Order(StringComparer.Ordinal), standalone.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public async Task StandaloneAsksForAKey_ExactlyWhereTheFunctionsHostAsksForAFunctionKey(string name)
    {
        FunctionEntry function = FunctionAppOutput.Functions().Single(f => f.Name == name);
        string path = "/" + PatchbayRoutes.Prefix + "/" + RouteParameter().Replace(function.Route, "x");
        using HttpClient anonymous = _standalone.CreateClient();

        using var request = new HttpRequestMessage(new HttpMethod(function.Methods[0]), path);
        HttpResponseMessage response = await anonymous.SendAsync(request);

        // Anonymous routes answer without a key: health at once, readiness 503 here (this host has no storage to reach),
        // the connect page 400 (no token) and its form 415 (no form).
        if (function.AuthLevel == "Anonymous")
        {
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType });
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        else Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    /// <summary>The standalone host with settings that let it start; no request here reaches storage.</summary>
    public sealed class Standalone : WebApplicationFactory<Program>
    {
        public static bool IsApiReference(string pattern) =>
            pattern.StartsWith("/api/docs", StringComparison.Ordinal) || pattern.StartsWith("/api/openapi", StringComparison.Ordinal);

        public IReadOnlyList<Endpoint> ApiEndpoints() =>
            [.. Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Select(e => new Endpoint(
                    e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
                    "/" + (e.RoutePattern.RawText ?? string.Empty).Trim('/'),
                    [.. (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Order(StringComparer.Ordinal)]))
                .Where(e => e.Pattern.StartsWith("/" + PatchbayRoutes.Prefix + "/", StringComparison.Ordinal))];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("AzureWebJobsStorage", "UseDevelopmentStorage=true");
            builder.UseSetting("Patchbay:ApiKeys", "parity-test-key-0123456789");
            builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
        }
    }

    public sealed record Endpoint(string? Name, string Pattern, IReadOnlyList<string> Methods);
}
