using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Patchbay.Testing.Functions.Tests;

/// <summary>HTTP functions of the real sample worker, through the double's front end.</summary>
[Collection(SampleWorkerCollection.Name)]
public sealed class HttpFunctionTests(SampleWorkerFixture fixture)
{
    private FunctionsHostDouble Host => fixture.Host;

    [Fact]
    public async Task Route_values_reach_the_function_as_parameters_and_an_IResult_is_the_answer()
    {
        using HttpClient client = Host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("api/items/books/42?q=dune");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{Host.Describe()}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("books", body.GetProperty("category").GetString());
        Assert.Equal("42", body.GetProperty("id").GetString());
        Assert.Equal("dune", body.GetProperty("query").GetString());
        Assert.Equal("/api/items/books/42", body.GetProperty("path").GetString());
    }

    [Fact]
    public async Task An_IActionResult_answer_keeps_its_status_headers_and_body_and_the_request_body_reaches_the_worker()
    {
        using HttpClient client = Host.CreateClient();

        using HttpResponseMessage response = await client.PostAsync("api/items", new StringContent("""{"name":"dune"}""", Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}\n{Host.Describe()}");
        Assert.Equal("created", Assert.Single(response.Headers.GetValues("x-sample")));
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("""{"name":"dune"}""", body.GetProperty("received").GetString());
        Assert.StartsWith("application/json", body.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task The_worker_sees_the_invocation_id_the_double_recorded()
    {
        using HttpClient client = Host.CreateClient();

        JsonElement body = await client.GetFromJsonAsync<JsonElement>("api/health");

        string invocationId = body.GetProperty("invocationHeader").GetString()!;
        FunctionInvocationResult result = Assert.Single(Host.Invocations, i => i.InvocationId == invocationId);
        Assert.Equal("Health", result.FunctionName);
        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("GET", "api/files/docs/a/b.txt", "GET files [docs/a/b.txt]")]
    [InlineData("DELETE", "api/files/x", "DELETE files [x]")]
    [InlineData("GET", "api/files", "GET files []")]
    public async Task A_catch_all_route_matches_any_depth_and_nothing(string method, string path, string expected)
    {
        using HttpClient client = Host.CreateClient();

        using HttpResponseMessage response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{Host.Describe()}");
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_route_constraint_is_honoured_and_the_value_binds_to_an_int_parameter()
    {
        using HttpClient client = Host.CreateClient();

        using HttpResponseMessage page = await client.GetAsync("api/pages/3");
        using HttpResponseMessage notANumber = await client.GetAsync("api/pages/three");

        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode}\n{Host.Describe()}");
        Assert.Equal("page 3", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, notANumber.StatusCode);
    }

    [Theory]
    [InlineData("api/nothing-here")]
    [InlineData("items/books/42")] // no route prefix
    [InlineData("api/items/books/42/extra")]
    public async Task A_path_no_function_routes_is_an_empty_404_and_reaches_no_worker(string path)
    {
        using HttpClient client = Host.CreateClient();
        int before = Host.Invocations.Count;

        using HttpResponseMessage response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(before, Host.Invocations.Count);
    }

    [Fact]
    public async Task A_method_the_route_does_not_declare_is_an_empty_405_naming_the_allowed_methods()
    {
        using HttpClient client = Host.CreateClient();

        using HttpResponseMessage response = await client.PutAsync("api/items/books/42", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_function_that_throws_answers_an_empty_500_and_its_exception_is_recorded()
    {
        using HttpClient client = Host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("api/fail");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        FunctionInvocationResult failed = Host.Invocations.Last(i => i.FunctionName == "Fail");
        Assert.Equal(FunctionInvocationStatus.Failed, failed.Status);
        Assert.Equal("System.InvalidOperationException", failed.Error?.Type);
        Assert.Contains("Fail was asked to fail.", failed.Error?.Message);
        Assert.Throws<InvalidOperationException>(() => failed.EnsureSucceeded());
    }

    [Fact]
    public async Task The_invocation_carries_the_callers_trace_and_a_new_one_when_it_sent_none()
    {
        using HttpClient client = Host.CreateClient();
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var traced = new HttpRequestMessage(HttpMethod.Get, "api/trace");
        traced.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using HttpResponseMessage withTrace = await client.SendAsync(traced);
        using HttpResponseMessage withoutTrace = await client.GetAsync("api/trace");
        Assert.True(withTrace.IsSuccessStatusCode && withoutTrace.IsSuccessStatusCode, $"{withTrace.StatusCode}, {withoutTrace.StatusCode}\n{Host.Describe()}");
        string untraced = await withoutTrace.Content.ReadAsStringAsync();

        Assert.Equal(traceId, (await withTrace.Content.ReadAsStringAsync()).Split('-')[1]);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", untraced);
        Assert.NotEqual(traceId, untraced.Split('-')[1]);
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_answer()
    {
        using HttpClient client = Host.CreateClient();

        string[] ids = [.. Enumerable.Range(0, 16).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        JsonElement[] answers = await Task.WhenAll(ids.Select(id => client.GetFromJsonAsync<JsonElement>($"api/items/c/{id}")));

        Assert.Equal(ids, answers.Select(a => a.GetProperty("id").GetString()));
    }

    [Fact]
    public void The_functions_are_indexed_with_routes_under_the_prefix_methods_and_auth_levels()
    {
        Assert.Equal("api", Host.RoutePrefix);
        FunctionDescriptor getItem = Assert.Single(Host.Functions, f => f.Name == "GetItem");
        Assert.Equal("api/items/{category}/{id}", getItem.Http?.RouteTemplate);
        Assert.Equal(["GET"], getItem.Http?.Methods);
        Assert.Equal("Function", getItem.Http?.AuthLevel);
        Assert.Equal("Anonymous", Assert.Single(Host.Functions, f => f.Name == "Health").Http?.AuthLevel);
        Assert.Equal(["GET", "DELETE"], Assert.Single(Host.Functions, f => f.Name == "Files").Http?.Methods);
        Assert.Contains("HttpUri", Host.WorkerCapabilities.Keys);
    }
}
