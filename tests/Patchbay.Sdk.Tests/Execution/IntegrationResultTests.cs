using System.Text.Json;

namespace Patchbay.Sdk.Tests.Execution;

public class IntegrationResultTests
{
    [Fact]
    public void ToJson_KeepsApostrophesAndAccentsReadable()
    {
        string json = IntegrationResult.ForAction(new ActionError("the connection's host is not allowed: café")).ToJson();

        Assert.Contains("connection's host", json, StringComparison.Ordinal);
        Assert.Contains("café", json, StringComparison.Ordinal);
        Assert.Equal("error", JsonDocument.Parse(json).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void ToJson_RoundTripsThroughTheConverter()
    {
        IntegrationResult original = IntegrationResult.ForAction(new ActionResult(JsonDocument.Parse("""{"id":7}""").RootElement) { CostUsd = 0.25m });

        IntegrationResult copy = JsonSerializer.Deserialize<IntegrationResult>(original.ToJson())!;

        ActionResult result = Assert.IsType<ActionResult>(copy.Outcome);
        Assert.Equal(7, result.Data.GetProperty("id").GetInt32());
        Assert.Equal(0.25m, result.CostUsd);
    }
}
