using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Patchbay.Client.Tests;

[Collection(ClientAppCollection.Name)]
public sealed class AIFunctionsTests(ClientApp app)
{
    [Fact]
    public async Task AChatClientWithFunctionInvocation_RunsTheActionThroughTheConnection()
    {
        PatchbayClient client = app.NewClient();
        string entity = "agent-" + Guid.NewGuid().ToString("N");
        await client.InitiateConnectionAsync("http", app.BearerCredentials("agent-token"), entity);

        IReadOnlyList<ConnectionFunction> functions = await client.GetAIFunctionsAsync(entity);
        ConnectionFunction tool = Assert.Single(functions);
        Assert.Equal("http_request", tool.Name);
        Assert.Equal("object", tool.JsonSchema.GetProperty("type").GetString());

        string url = new Uri(app.Upstream.BaseAddress, "echo").ToString();
        var model = new ScriptedChatClient(new FunctionCallContent("call-1", "http_request", new Dictionary<string, object?>
        {
            ["url"] = url,
            ["method"] = "POST",
            ["body"] = JsonSerializer.SerializeToElement(new { note = "from the model" }),
        }));
        using IChatClient chat = new ChatClientBuilder(model).UseFunctionInvocation().Build();
        ChatResponse response = await chat.GetResponseAsync("Post a note", new ChatOptions { Tools = [.. functions] });

        Assert.Equal("done", response.Text);
        var seen = Assert.Single(app.Upstream.Requests, r => r.Body.Contains("from the model", StringComparison.Ordinal));
        Assert.Equal("POST", seen.Method);
        Assert.Equal("Bearer agent-token", seen.Headers["Authorization"]);
        FunctionResultContent result = Assert.Single(model.Results);
        Assert.Equal("call-1", result.CallId);
        Assert.Contains("\"status\":200", JsonSerializer.Serialize(result.Result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_Filter_And_InactiveConnectionsAreRefusedByName()
    {
        PatchbayClient client = app.NewClient();
        string entity = "agent-" + Guid.NewGuid().ToString("N");
        PatchbayConnection connection = (await client.InitiateConnectionAsync("http", app.BearerCredentials("t"), entity)).Connection;
        Assert.Empty(await client.GetAIFunctionsAsync(entity, tags: ["no-such-tag"]));
        Assert.Single(await client.GetAIFunctionsAsync(connectionIds: [connection.Id], tags: ["write"]));
        Assert.Empty(await client.GetAIFunctionsAsync("nobody-" + Guid.NewGuid().ToString("N")));
    }

    /// <summary>A model that asks for one tool call, then answers "done" once it sees the result.</summary>
    private sealed class ScriptedChatClient(FunctionCallContent call) : IChatClient
    {
        public List<FunctionResultContent> Results { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            List<FunctionResultContent> results = [.. messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>()];
            if (results.Count == 0)
            {
                Assert.Contains(options!.Tools!, t => t.Name == call.Name);
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])));
            }

            Results.AddRange(results);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "done")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
