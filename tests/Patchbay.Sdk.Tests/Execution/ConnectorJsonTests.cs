using System.Text.Json;

namespace Patchbay.Sdk.Tests;

public class ConnectorJsonTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(100_000)] // far past the first pooled buffer (4 KB): the buffer grows and the value comes out whole
    public void ToElement_ReturnsWhatWasWritten_AsAnElementThatOutlivesTheBuffer(int length)
    {
        string text = new('x', length);

        JsonElement element = ConnectorJson.ToElement(text, static (writer, text) =>
        {
            writer.WriteStartObject();
            writer.WriteString("text", text);
            writer.WriteStartArray("n");
            writer.WriteNumberValue(1);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        // Other writes reuse the pooled arrays; the element owns its own memory.
        for (int i = 0; i < 4; i++) ConnectorJson.ToElement(i, static (writer, i) => writer.WriteStringValue(new string((char)('a' + i), 5000)));

        Assert.Equal(text, element.GetProperty("text").GetString());
        Assert.Equal(1, element.GetProperty("n")[0].GetInt32());
    }

    [Fact]
    public void ToElement_AValueLeftOpen_OrNothingWritten_IsAnArgumentException()
    {
        ArgumentException open = Assert.Throws<ArgumentException>(() => ConnectorJson.ToElement(0, static (writer, _) => writer.WriteStartObject()));
        ArgumentException nothing = Assert.Throws<ArgumentException>(() => ConnectorJson.ToElement(0, static (_, _) => { }));

        Assert.Contains("one complete value", open.Message, StringComparison.Ordinal);
        Assert.Contains("one complete value", nothing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToElement_TheWriterThrows_TheErrorComesThrough()
    {
        Assert.Throws<InvalidOperationException>(() => ConnectorJson.ToElement(0, static (writer, _) =>
        {
            writer.WriteNumberValue(1);
            writer.WriteNumberValue(2); // a second top-level value: the writer refuses it
        }));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100_000)] // past the first pooled buffer: the data is whole after the buffer grew
    public void ActionResultFromJson_DataIsReadableUntilReleased_ThenThrowsObjectDisposed(int length)
    {
        string text = new('y', length);
        ActionResult result = ActionResult.FromJson(text, static (writer, text) =>
        {
            writer.WriteStartObject();
            writer.WriteString("text", text);
            writer.WriteEndObject();
        }, costUsd: 0.25m);
        IntegrationResult integration = IntegrationResult.ForAction(result);

        Assert.Equal(text, result.Data.GetProperty("text").GetString());
        Assert.Equal(0.25m, result.CostUsd);
        Assert.Contains(text, integration.ToJson(), StringComparison.Ordinal);

        integration.Release();
        integration.Release(); // idempotent

        Assert.Throws<ObjectDisposedException>(() => result.Data.GetProperty("text"));
        // Other writes reuse the pool's arrays now; a released result never reads them.
        for (int i = 0; i < 4; i++) ActionResult.FromJson(i, static (writer, i) => writer.WriteStringValue(new string((char)('a' + i), 5000)));
        Assert.Throws<ObjectDisposedException>(() => result.Data.ValueKind == JsonValueKind.Object && result.Data.GetRawText().Length > 0);
    }

    [Fact]
    public void Release_OfResultsNotBuiltInPooledMemory_LeavesThemReadable()
    {
        ActionResult owned = ActionResult.From(new { n = 1 });
        IntegrationResult action = IntegrationResult.ForAction(owned);
        IntegrationResult error = IntegrationResult.ForAction(new ActionError("nope"));
        IntegrationResult account = IntegrationResult.ForAccount(new ConnectedAccountInfo { Email = "a@example.com" });

        action.Release();
        error.Release();
        account.Release();

        Assert.Equal(1, owned.Data.GetProperty("n").GetInt32());
        Assert.Contains("nope", error.ToJson(), StringComparison.Ordinal);
        Assert.Contains("a@example.com", account.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void ActionResultFromJson_AValueLeftOpen_IsAnArgumentException()
    {
        ArgumentException open = Assert.Throws<ArgumentException>(() => ActionResult.FromJson(0, static (writer, _) => writer.WriteStartArray()));
        Assert.Contains("one complete value", open.Message, StringComparison.Ordinal);
    }

    // A body copied into a result is checked by the result's own parse, not by a pass of its own first: whatever the bytes,
    // the result holds what FetchResponse.Data reads (JSON, or the text), and bytes that are not one JSON value never
    // become part of the result's structure.
    public static TheoryData<string> Bodies() => new()
    {
        "{\"a\":[1,2.50,\"\\u00e9\"]}",
        "  {\"a\":1}\n",
        "\"x\"",
        "1,\"ok\":false",
        "1,\"ok\":false,\"status\":500,\"body\":2",
        "{\"a\":1} {\"b\":2}",
        "{\"a\":1},\"ok\":false,\"x\":{\"b\":2}",
        "[1]]",
        ",",
        " ",
        new string('[', 64) + new string(']', 64),
        new string('[', 65) + new string(']', 65),
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void ResultWithABodyCopiedIn_HoldsWhatDataReads_AndNothingElse(string body)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(body);
        JsonElement expected = FetchResponse.FromUtf8Body(200, new Dictionary<string, string>(), utf8).Data;
        int calls = 0;
        Action<Utf8JsonWriter, FetchResponse> write = (writer, response) =>
        {
            calls++;
            writer.WriteStartObject();
            writer.WriteNumber("status", response.Status);
            writer.WritePropertyName("body");
            response.WriteDataTo(writer);
            writer.WriteBoolean("ok", true);
            writer.WriteEndObject();
        };

        ActionResult leased = ActionResult.FromJson(FetchResponse.FromUtf8Body(200, new Dictionary<string, string>(), utf8), write);
        JsonElement owned = ConnectorJson.ToElement(FetchResponse.FromUtf8Body(200, new Dictionary<string, string>(), utf8), write);
        JsonElement bodyOnly = ConnectorJson.ToElement(FetchResponse.FromUtf8Body(200, new Dictionary<string, string>(), utf8), static (writer, response) => response.WriteDataTo(writer));

        foreach (JsonElement result in new[] { leased.Data, owned })
        {
            Assert.Equal(["status", "body", "ok"], result.EnumerateObject().Select(p => p.Name));
            Assert.Equal(200, result.GetProperty("status").GetInt32());
            Assert.True(result.GetProperty("ok").GetBoolean());
            Assert.True(JsonElement.DeepEquals(expected, result.GetProperty("body")), $"{result.GetProperty("body").GetRawText()} is not {expected.GetRawText()}");
        }

        Assert.True(JsonElement.DeepEquals(expected, bodyOnly));
        // Written once when the body is one JSON value; once more, checked, when it is not.
        Assert.Equal(expected.ValueKind == JsonValueKind.String && body != "\"x\"" ? 4 : 2, calls);
    }
}
