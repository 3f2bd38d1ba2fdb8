using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Patchbay.Testing.Functions.Tests;

/// <summary>HTTP functions of the real sample worker, through the double's front end.</summary>
public sealed class HttpFunctionTests(SampleWorkerFixture fixture) : IClassFixture<SampleWorkerFixture>
{
    private FunctionsHostDouble Host => fixture.Host;

    [Fact]
    public async Task Route_values_reach_the_function_as_parameters_and_an_IResult_is_the_answer()
    {
        using HttpClient client = Host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("api/items/books/42?q=dune");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("books", body.GetProperty("category").GetString());
        Assert.Equal("42", body.GetProperty("id").GetString());
        Assert.Equal("dune", body.GetProperty("query").GetString());
        Assert.Equal("/api/items/books/42", body.GetProperty("path").GetString());
    }
}
