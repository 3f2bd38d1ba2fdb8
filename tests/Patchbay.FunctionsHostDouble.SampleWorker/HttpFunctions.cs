using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Patchbay.FunctionsHostDouble.SampleWorker;

/// <summary>HTTP functions the host double's tests call through its front end.</summary>
public sealed class HttpFunctions(ILogger<HttpFunctions> logger)
{
    /// <summary>Anonymous GET with no route values: answers an <see cref="IResult"/> with a JSON body.</summary>
    [Function("Health")]
    public static IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        Results.Ok(new { status = "ok", invocationHeader = request.Headers["x-ms-invocation-id"].ToString() });

    /// <summary>Route values bound as parameters (by the worker, from the invocation's trigger metadata) and the query string.</summary>
    [Function("GetItem")]
    public IResult GetItem(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "items/{category}/{id}")] HttpRequest request,
        string category,
        string id)
    {
        logger.LogInformation("GetItem {Category}/{Id}", category, id);
        return Results.Json(new { category, id, query = request.Query["q"].ToString(), path = request.Path.Value });
    }

    /// <summary>POST with a body: echoes the JSON body and answers 201 through an <see cref="IActionResult"/>.</summary>
    [Function("CreateItem")]
    public static async Task<IActionResult> CreateItem(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "items")] HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        string body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers["x-sample"] = "created";
        return new ObjectResult(new { received = body, contentType = request.ContentType }) { StatusCode = StatusCodes.Status201Created };
    }

    /// <summary>A catch-all route with GET and DELETE: the double must match an optional <c>{*rest}</c> segment.</summary>
    [Function("Files")]
    public static IResult Files(
        [HttpTrigger(AuthorizationLevel.Function, "get", "delete", Route = "files/{*rest}")] HttpRequest request,
        string? rest) =>
        Results.Text($"{request.Method} files [{rest}]", "text/plain");

    /// <summary>A route constraint: only an integer page number matches (and arrives as an int).</summary>
    [Function("Page")]
    public static IResult Page([HttpTrigger(AuthorizationLevel.Function, "get", Route = "pages/{number:int}")] HttpRequest request, int number) =>
        Results.Text($"page {number}", "text/plain");

    /// <summary>Answers the trace parent the worker got in the invocation's TraceContext.</summary>
    [Function("Trace")]
    public static IResult Trace([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trace")] HttpRequest request, FunctionContext context) =>
        Results.Text(context.TraceContext.TraceParent, "text/plain");

    /// <summary>A function that throws: the invocation fails, and the host answers 500.</summary>
    [Function("Fail")]
    public static IResult Fail([HttpTrigger(AuthorizationLevel.Function, "get", Route = "fail")] HttpRequest request) =>
        throw new InvalidOperationException("Fail was asked to fail.");

    /// <summary>
    /// A function that ends the worker process at once, as a crash does: the double must report the exit, not hang.
    /// (Environment.Exit would not do: inside a running invocation it deadlocks the worker, whose generic host waits
    /// for the in-flight request on shutdown; the double would report that as an invocation timeout.)
    /// </summary>
    [Function("Crash")]
    public IResult Crash([HttpTrigger(AuthorizationLevel.Function, "post", Route = "crash")] HttpRequest request)
    {
        logger.LogCritical("Crash is ending the worker process.");
        Environment.FailFast("Crash was asked to end the worker process.");
        return Results.Ok();
    }
}
