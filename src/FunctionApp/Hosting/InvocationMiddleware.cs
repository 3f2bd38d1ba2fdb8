using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Patchbay.FunctionApp.Hosting;

/// <summary>
/// What the standalone host does around each request, done around each invocation: the invocation id (the host's
/// <see cref="FunctionContext.InvocationId"/>) in <see cref="InvocationIds"/>, the response header and the log scope,
/// a span of the "Patchbay" source, and every exception the platform throws turned into the same problem details
/// (<c>PatchbayExceptionHandler</c>) instead of a failed invocation the host would answer with a bare 500.
/// </summary>
internal sealed class InvocationMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        HttpContext? http = context.GetHttpContext();
        string invocationId = context.InvocationId;
        using Activity? activity = PatchbayTelemetry.StartInvocation(context.FunctionDefinition.Name, invocationId, isTimer: http is null);
        ILogger logger = context.GetLogger("Patchbay.Requests");
        using IDisposable? scope = logger.BeginScope(new LogScope(KeyValuePair.Create("InvocationId", (object?)invocationId)));
        if (http is null)
        {
            // The timer: a failure fails the invocation, which the host logs; the next occurrence runs again.
            await next(context);
            return;
        }

        http.Items[InvocationIds.ItemKey] = invocationId;
        // On starting, so a problem written after the response was cleared still carries it.
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[InvocationIds.ResponseHeader] = invocationId;
            return Task.CompletedTask;
        });
        PatchbayTelemetry.DescribeRoute(activity, http);
        logger.LogInformation("{Method} {Path} started", http.Request.Method, http.Request.Path);
        // What the span records when the invocation fails without an answer (the host then answers 500 itself).
        int status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            // The function's IResult is written to the response after the middleware returns (by the ASP.NET Core
            // integration), so the response still holds its default 200 here: the result knows the status it will write.
            status = context.GetInvocationResult().Value is IStatusCodeHttpResult { StatusCode: int code } ? code : http.Response.StatusCode;
        }
        catch (Exception thrown) when (!http.Response.HasStarted)
        {
            Exception exception = Unwrap(thrown);
            // The Functions host would answer a failed invocation with a bare 500; answer the problem standalone answers.
            http.Response.Clear();
            bool handled = false;
            foreach (IExceptionHandler handler in http.RequestServices.GetServices<IExceptionHandler>())
            {
                if (await handler.TryHandleAsync(http, exception, http.RequestAborted))
                {
                    handled = true;
                    break;
                }
            }

            if (!handled) throw;
            status = http.Response.StatusCode;
        }
        finally
        {
            PatchbayTelemetry.SetStatus(activity, status);
        }

        logger.LogInformation("{Method} {Path} answered {Status}", http.Request.Method, http.Request.Path, status);
    }

    // The worker may hand over an exception wrapped by reflection or a task; the platform maps the one it threw.
    private static Exception Unwrap(Exception exception) => exception switch
    {
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => exception,
    };
}
