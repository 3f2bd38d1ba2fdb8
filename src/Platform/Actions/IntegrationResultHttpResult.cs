using Patchbay.Sdk;

namespace Patchbay.Platform.Actions;

/// <summary>
/// An <see cref="IntegrationResult"/> as a 200 <c>application/json</c> answer, written once: straight from the result
/// into the response's <see cref="HttpResponse.BodyWriter"/> as UTF-8, with no string and no second encoding in
/// between. Both hosts execute it (the isolated worker's ASP.NET Core integration runs any <see cref="IResult"/>). Once
/// written, the result is released (<see cref="IntegrationResult.Release"/>): execute it once, and read nothing of its
/// value after.
/// </summary>
public sealed class IntegrationResultHttpResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IValueHttpResult, IValueHttpResult<IntegrationResult>
{
    /// <summary>The media type of the answer.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>Wraps <paramref name="result"/>.</summary>
    public IntegrationResultHttpResult(IntegrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Value = result;
    }

    /// <summary>The result the body holds.</summary>
    public IntegrationResult Value { get; }

    object? IValueHttpResult.Value => Value;

    // Always 200: an action's expected failure is a result of type "error", not an HTTP error.
    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    string IContentTypeHttpResult.ContentType => JsonContentType;

    /// <summary>Writes the status, the content type and the result's JSON, and flushes.</summary>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        HttpResponse response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        // Synchronous into the pipe's memory (no I/O until the flush below), escaped as IntegrationResult.ToJson is; a result is
        // at most FetchOptions.MaxResponseBytes of upstream data plus its envelope, the same bound the string it replaces had.
        try
        {
            Value.WriteTo(response.BodyWriter);
        }
        finally
        {
            // Written (or failed): nothing reads the result again, so data built in pooled memory goes back to the pool.
            Value.Release();
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
