using Patchbay.Testing.Functions.Diagnostics;
using Patchbay.Testing.Functions.Functions;
using Patchbay.Testing.Functions.Rpc;

namespace Patchbay.Testing.Functions.Hosting;

/// <summary>
/// Sends one InvocationRequest and waits, at most <c>timeout</c>, for its InvocationResponse; records every outcome.
/// A failed function, a timeout and a dead worker become statuses, not exceptions, so each caller decides.
/// </summary>
internal sealed class Invoker(WorkerChannel channel, TimeSpan timeout, CapturedEntries<FunctionInvocationResult> results)
{
    public TimeSpan Timeout => timeout;

    public async Task<FunctionInvocationResult> InvokeAsync(IndexedFunction function, InvocationRequest request, CancellationToken cancellationToken)
    {
        string name = function.Descriptor.Name;
        Task<InvocationResponse> answer = channel.ExpectInvocationResponse(request.InvocationId);
        FunctionInvocationResult result;
        try
        {
            await channel.SendAsync(new StreamingMessage { InvocationRequest = request }, cancellationToken).ConfigureAwait(false);
            InvocationResponse response = await answer.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            result = new FunctionInvocationResult(name, request.InvocationId, StatusOf(response.Result), ErrorOf(response.Result));
        }
        catch (TimeoutException)
        {
            channel.AbandonInvocation(request.InvocationId);
            result = new FunctionInvocationResult(name, request.InvocationId, FunctionInvocationStatus.TimedOut, new InvocationError(
                string.Empty, $"The worker did not answer invocation {request.InvocationId} of '{name}' within {timeout} (FunctionsHostDoubleOptions.InvocationTimeout).", null));
        }
        catch (WorkerExitedException ex)
        {
            result = new FunctionInvocationResult(name, request.InvocationId, FunctionInvocationStatus.WorkerExited, new InvocationError(nameof(WorkerExitedException), ex.Message, null));
        }
        catch (OperationCanceledException)
        {
            channel.AbandonInvocation(request.InvocationId);
            throw;
        }

        results.Add(result);
        return result;
    }

    private static FunctionInvocationStatus StatusOf(StatusResult? status) => status?.Status switch
    {
        StatusResult.Types.Status.Success => FunctionInvocationStatus.Succeeded,
        StatusResult.Types.Status.Cancelled => FunctionInvocationStatus.Cancelled,
        _ => FunctionInvocationStatus.Failed,
    };

    private static InvocationError? ErrorOf(StatusResult? status) =>
        status is null ? new InvocationError(string.Empty, "The worker's InvocationResponse had no result.", null)
        : status.Status == StatusResult.Types.Status.Success ? null
        : status.Exception is { } exception ? new InvocationError(exception.Type, exception.Message, exception.StackTrace)
        : new InvocationError(string.Empty, string.IsNullOrEmpty(status.Result) ? status.Status.ToString() : status.Result, null);
}
