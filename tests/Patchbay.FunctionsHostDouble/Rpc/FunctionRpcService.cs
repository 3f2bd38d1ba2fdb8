using Grpc.Core;

namespace Patchbay.Testing.Functions.Rpc;

/// <summary>The host's FunctionRpc gRPC service: hands the worker's EventStream to the <see cref="WorkerChannel"/>.</summary>
internal sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        channel.RunStreamAsync(requestStream, responseStream, context.CancellationToken);
}
