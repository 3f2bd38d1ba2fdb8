using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Patchbay.Sdk.Schema;

/// <summary>
/// <c>contentEncoding</c> (base64) and <c>contentMediaType</c> (application/json), asserted with formats.
/// Decoding needs a buffer, so strings checked here are copied (rented from the pool).
/// </summary>
internal sealed class ContentKeyword(string schemaPath, bool base64, bool json) : Keyword(schemaPath, base64 ? "contentEncoding" : "contentMediaType")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        string text = instance.GetString()!;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(text, buffer);
            if (base64)
            {
                if (Base64.DecodeFromUtf8InPlace(buffer.AsSpan(0, length), out length) != OperationStatus.Done)
                {
                    return context is not null && Fail(context, "is not valid base64");
                }
            }

            if (json && !JsonValues.IsOneDocument(buffer.AsSpan(0, length)))
            {
                return context is not null && Fail(context, base64 ? "does not decode to valid JSON" : "is not valid JSON");
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
