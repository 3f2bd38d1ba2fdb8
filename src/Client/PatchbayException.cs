using System.Net;
using System.Text.Json;

namespace Patchbay.Client;

/// <summary>One field Patchbay refused: a JSON Pointer into the request and the reason.</summary>
/// <param name="Path">Where, e.g. <c>/inputs/channel</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record PatchbayFieldError(string Path, string Message);

/// <summary>
/// Patchbay refused a call or could not be reached. Carries the problem details Patchbay answered: the HTTP
/// status, the stable problem <see cref="ProblemType"/>, a <see cref="Detail"/> that says what to do, the
/// fields at fault and the <see cref="InvocationId"/> to find the call in Patchbay's logs.
/// </summary>
public sealed class PatchbayException : Exception
{
    /// <summary>Creates an exception with the problem's parts.</summary>
    public PatchbayException(string message, HttpStatusCode? status = null, string? problemType = null, string? title = null, string? detail = null,
        IReadOnlyList<PatchbayFieldError>? errors = null, string? invocationId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ProblemType = problemType;
        Title = title;
        Detail = detail;
        Errors = errors ?? [];
        InvocationId = invocationId;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public PatchbayException(string message) : this(message, status: null) { }

    /// <summary>Creates an exception wrapping another.</summary>
    public PatchbayException(string message, Exception innerException) : this(message, null, innerException: innerException) { }

    /// <summary>Creates an exception without a message.</summary>
    public PatchbayException() : this("Patchbay call failed.") { }

    /// <summary>The HTTP status; <see langword="null"/> when Patchbay could not be reached.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>The problem type, e.g. <c>urn:patchbay:problem:validation-failed</c>.</summary>
    public string? ProblemType { get; }

    /// <summary>The problem's short title.</summary>
    public string? Title { get; }

    /// <summary>What went wrong and what to do next.</summary>
    public string? Detail { get; }

    /// <summary>The fields at fault, for bad input.</summary>
    public IReadOnlyList<PatchbayFieldError> Errors { get; }

    /// <summary>The invocation id Patchbay logged the call under.</summary>
    public string? InvocationId { get; }

    internal static PatchbayException FromProblem(HttpStatusCode status, string method, string path, string body, string? invocationIdHeader)
    {
        string? type = null, title = null, detail = null, invocationId = invocationIdHeader;
        var errors = new List<PatchbayFieldError>();
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                type = Text(root, "type");
                title = Text(root, "title");
                detail = Text(root, "detail");
                invocationId = Text(root, "invocation_id") ?? invocationId;
                if (root.TryGetProperty("errors", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement error in list.EnumerateArray())
                    {
                        if (error.ValueKind == JsonValueKind.Object) errors.Add(new PatchbayFieldError(Text(error, "path") ?? "", Text(error, "message") ?? ""));
                    }
                }
            }
        }
        catch (JsonException)
        {
            detail = body.Length > 500 ? body[..500] + "…" : body;
        }

        string message = $"{method} {path} answered {(int)status} {title ?? status.ToString()}" + (detail is { Length: > 0 } ? $": {detail}" : ".");
        if (errors.Count > 0) message += " " + string.Join("; ", errors.Select(e => $"{(e.Path.Length == 0 ? "/" : e.Path)} {e.Message}"));
        return new PatchbayException(message, status, type, title, detail, errors, invocationId);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
