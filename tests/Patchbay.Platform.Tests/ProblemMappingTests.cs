using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk;

namespace Patchbay.Platform.Tests;

/// <summary>Every exception a connector or the SDK can raise maps to the status DESIGN.md gives it; none becomes a bare 500 but a connector bug.</summary>
public class ProblemMappingTests
{
    public static TheoryData<Exception, int, string> Cases() => new()
    {
        { new ValidationError(ValidationTarget.Inputs, "x.y", [new FieldError("/a", "is required")]), 400, ProblemTypes.ValidationFailed },
        { new ValidationError(ValidationTarget.Auth, "x", [new FieldError("/api_key", "is required")]), 400, ProblemTypes.ValidationFailed },
        { new ValidationError(ValidationTarget.Output, "x.y", [new FieldError("/id", "is required")]), 500, ProblemTypes.ConnectorBug },
        { new UnknownOperationError("x", "action", "nope", ["a"]), 404, ProblemTypes.NotFound },
        { new RateLimitError(TimeSpan.FromSeconds(7)), 429, ProblemTypes.RateLimited },
        { new HttpError(503, "Service Unavailable"), 502, ProblemTypes.UpstreamError },
        { new TimeoutException("GET host/path timed out"), 504, ProblemTypes.UpstreamTimeout },
        { new FetchBlockedException("host not allowed"), 400, ProblemTypes.RequestBlocked },
        { new HttpRequestException("connection refused"), 502, ProblemTypes.UpstreamError },
        { new InvalidDataException("the answer is HTML, not a feed"), 502, ProblemTypes.UpstreamError },
        // Request bodies are read by RequestBody (its own 400 naming the line and byte); a JsonException that reaches the
        // handler came from reading something else, an upstream's answer: not the caller's fault.
        { new System.Text.Json.JsonException("'<' is an invalid start of a value."), 502, ProblemTypes.UpstreamError },
        { new ResponseTooLargeError("GET example.com/big", 200, 10485760, null), 502, ProblemTypes.UpstreamResponseTooLarge },
        { new InvalidOperationException("bug"), 500, ProblemTypes.Internal },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exception_MapsToItsStatusAndType(Exception exception, int status, string type)
    {
        var context = new DefaultHttpContext();

        ProblemDetails problem = PatchbayExceptionHandler.ToProblem(context, exception);

        Assert.Equal(status, problem.Status);
        Assert.Equal(type, problem.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Fact]
    public void Item6_ResponseTooLarge_Is502NamingTheLimit()
    {
        var context = new DefaultHttpContext();

        ProblemDetails problem = PatchbayExceptionHandler.ToProblem(context, new ResponseTooLargeError("GET example.com/big", 200, 10485760, 209715200));

        Assert.Equal(502, problem.Status);
        Assert.Contains("10485760-byte limit", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("Content-Length 209715200", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(10485760L, problem.Extensions["limit_bytes"]);
        Assert.Equal(200, problem.Extensions["upstream_status"]);
    }

    [Fact]
    public void RateLimit_SetsRetryAfterRoundedUp()
    {
        var context = new DefaultHttpContext();
        PatchbayExceptionHandler.ToProblem(context, new RateLimitError(TimeSpan.FromSeconds(1.2)));
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
    }
}
