using System.Text;
using Microsoft.AspNetCore.Http;
using Patchbay.Platform.Actions;
using Patchbay.Sdk;

namespace Patchbay.Platform.Tests;

/// <summary>The action answer is written once, then the result's pooled data (ActionResult.FromJson) goes back to the pool.</summary>
public sealed class IntegrationResultHttpResultTests
{
    [Fact]
    public async Task Execute_WritesTheResult_ThenReleasesItsPooledData()
    {
        ActionResult result = ActionResult.FromJson("l'été", static (writer, text) =>
        {
            writer.WriteStartObject();
            writer.WriteString("text", text);
            writer.WriteEndObject();
        });
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;

        await new IntegrationResultHttpResult(IntegrationResult.ForAction(result)).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal("{\"version\":\"" + SdkInfo.Version + "\",\"type\":\"action\",\"result\":{\"data\":{\"text\":\"l'été\"}}}", Encoding.UTF8.GetString(body.ToArray()));
        Assert.Throws<ObjectDisposedException>(() => result.Data.GetProperty("text"));
    }
}
