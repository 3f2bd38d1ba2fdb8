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
}
