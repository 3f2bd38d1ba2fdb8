using Patchbay.Client;

namespace Patchbay.Client.Tests;

/// <summary>The quickstart of src/Client/README.md, word for word between the markers; QuickstartTests runs it against the app.</summary>
internal static class Quickstart
{
    public static async Task<string> RunAsync(Uri endpoint, string apiKey)
    {
        // quickstart:begin
        var patchbay = new PatchbayClient(new PatchbayClientOptions { Endpoint = endpoint, ApiKey = apiKey });

        // Discover a connector and fill an action's inputs (checked against its schema as you set them).
        PatchbayConnector http = await patchbay.GetConnectorAsync("http");
        PatchbayAction request = http.Actions["request"];
        request.Inputs["url"] = new Uri(endpoint, "api/health").ToString();

        // Connect an account: credentials are checked, stored encrypted, and never returned.
        ConnectionRequest connecting = await patchbay.InitiateConnectionAsync("http",
            new { auth_method = "bearer", token = "my-secret-token", allowed_hosts = new[] { endpoint.Host } }, entityId: "user-1");
        PatchbayConnection connection = await connecting.WaitUntilActiveAsync(TimeSpan.FromSeconds(30));

        // Run the action through the connection.
        ActionRunResult result = await patchbay.ExecuteActionAsync(request, connection.Id);
        Console.WriteLine(result.Data.GetProperty("body"));

        // Hand the user's actions to an LLM as Microsoft.Extensions.AI functions.
        IReadOnlyList<ConnectionFunction> tools = await patchbay.GetAIFunctionsAsync("user-1");
        Console.WriteLine(string.Join(", ", tools.Select(t => t.Name)));
        // quickstart:end
        return result.Data.GetProperty("body").GetProperty("status").GetString()!;
    }
}
