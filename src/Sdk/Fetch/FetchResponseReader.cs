using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Patchbay.Sdk.Fetch;

/// <summary>Turns the final answer into a <see cref="FetchResponse"/>, or into <see cref="HttpError"/> / <see cref="RateLimitError"/>.</summary>
internal static class FetchResponseReader
{
    // A ValueTask: FetchClient buffered the body, so this completes at once (no Task allocated) unless the body is text in another charset.
    public static async ValueTask<FetchResponse> ReadAsync(
        HttpResponseMessage response, FetchPlan plan, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        HttpHeadersNonValidated responseHeaders = response.Headers.NonValidated, contentHeaders = response.Content.Headers.NonValidated;
        var headers = new Dictionary<string, string>(responseHeaders.Count + contentHeaders.Count, StringComparer.OrdinalIgnoreCase);
        // The values as received (NonValidated: no parse and re-format of each value), several joined by ", ".
        AddHeaders(headers, responseHeaders);
        AddHeaders(headers, contentHeaders);

        int status = (int)response.StatusCode;
        ReadOnlyMemory<byte> bytes = await ReadBytesAsync(response.Content, cancellationToken).ConfigureAwait(false);
        if (status is >= 200 and < 300 && Utf8JsonCandidate(response.Content, bytes) is { } utf8)
        {
            // Parsed when a handler reads Data; a handler that only passes the body on never parses it.
            return FetchResponse.FromUtf8Body(status, headers, utf8);
        }

        JsonElement data = await ReadBodyAsync(response.Content, bytes, cancellationToken).ConfigureAwait(false);
        if (status is >= 200 and < 300)
        {
            return new FetchResponse(status, headers, data);
        }

        string message = plan.Redact(ShortMessage(response, data));
        if (status == (int)HttpStatusCode.TooManyRequests)
        {
            throw new RateLimitError(GetRetryAfter(response, timeProvider) ?? FetchConstants.DefaultRateLimitRetryAfter, message, data) { Headers = headers };
        }

        throw new HttpError(status, message, data) { Headers = headers };
    }

    private static void AddHeaders(Dictionary<string, string> headers, HttpHeadersNonValidated values)
    {
        foreach (KeyValuePair<string, HeaderStringValues> header in values)
        {
            string value = header.Value.ToString();
            headers[header.Key] = headers.TryGetValue(header.Key, out string? existing) ? existing + ", " + value : value;
        }
    }

    /// <summary>Retry-After as a delay (seconds or an HTTP date), or <see langword="null"/> when absent or unreadable.</summary>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        TimeSpan? delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    // FetchClient buffered the body already (within the response size limit): those bytes, no copy.
    private static async ValueTask<ReadOnlyMemory<byte>> ReadBytesAsync(HttpContent content, CancellationToken cancellationToken) =>
        content is FetchClient.BufferedContent buffered
            ? buffered.Bytes
            : await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

    private static async Task<JsonElement> ReadBodyAsync(HttpContent content, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (bytes.Length == 0)
        {
            return default;
        }

        ReadOnlyMemory<byte> unmarked = WithoutByteOrderMark(bytes);
        string? mediaType = content.Headers.ContentType?.MediaType;
        if ((mediaType is null || IsJson(mediaType)) && System.Text.Unicode.Utf8.IsValid(unmarked.Span)
            && FetchResponse.TryParseJson(unmarked, out JsonElement json))
        {
            return json;
        }

        // Labelled JSON that is not, unlabelled text, or bytes that are not UTF-8 (U+FFFD: JSON is UTF-8, RFC 8259): text.
        string text = mediaType is null
            ? Encoding.UTF8.GetString(unmarked.Span)
            : await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(text);
    }

    /// <summary>
    /// The body, without a byte order mark, when it may be JSON and its text is UTF-8: labelled JSON (or not labelled), no
    /// charset but UTF-8's, and valid UTF-8. <see cref="FetchResponse"/> parses it when it is read, or takes it as text
    /// when it does not parse, as <see cref="ReadBodyAsync"/> would; otherwise <see langword="null"/>.
    /// </summary>
    private static ReadOnlyMemory<byte>? Utf8JsonCandidate(HttpContent content, ReadOnlyMemory<byte> bytes)
    {
        MediaTypeHeaderValue? type = content.Headers.ContentType;
        if (bytes.Length == 0 || (type?.MediaType is { } mediaType && !IsJson(mediaType))
            || (type?.CharSet is { } charset && !IsUtf8(charset)))
        {
            return null;
        }

        ReadOnlyMemory<byte> unmarked = WithoutByteOrderMark(bytes);
        return unmarked.Length > 0 && System.Text.Unicode.Utf8.IsValid(unmarked.Span) ? unmarked : (ReadOnlyMemory<byte>?)null;
    }

    private static bool IsUtf8(string charset)
    {
        ReadOnlySpan<char> name = charset.AsSpan().Trim('"');
        return name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    // Without a UTF-8 byte order mark, EF BB BF ("\uFEFF"u8; a "\xEF\xBB\xBF"u8 literal would be the UTF-8 of three
    // Latin-1 characters): JsonDocument.Parse of bytes does not skip one, and text read as UTF-8 should not start with it.
    private static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> bytes) =>
        bytes.Span.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;

    private static bool IsJson(string mediaType) =>
        string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static string ShortMessage(HttpResponseMessage response, JsonElement data)
    {
        string? text = data.ValueKind switch
        {
            JsonValueKind.String => data.GetString(),
            JsonValueKind.Object => StringProperty(data, "message")
                ?? StringProperty(data, "error_description")
                ?? StringProperty(data, "error")
                ?? (data.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object ? StringProperty(error, "message") : null),
            _ => null,
        };

        if (string.IsNullOrWhiteSpace(text))
        {
            text = string.IsNullOrWhiteSpace(response.ReasonPhrase) ? response.StatusCode.ToString() : response.ReasonPhrase;
        }

        text = text.Trim();
        return text.Length <= FetchConstants.MaxErrorMessageLength ? text : text[..FetchConstants.MaxErrorMessageLength] + "…";
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
