using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Patchbay.Platform.Hosting;

/// <summary>
/// Problem details for the statuses Patchbay's endpoint code does not write itself: routing's 404 and 405 and the
/// framework's own refusals, which otherwise answer an empty body or a generic RFC type. Every error Patchbay answers
/// is problem details with one of <see cref="ProblemTypes"/> and a <c>detail</c> that says what to do.
/// </summary>
public static class StatusProblems
{
    /// <summary>The problem for <paramref name="status"/>, answered to <paramref name="method"/> <paramref name="path"/> without a body.</summary>
    /// <param name="status">The response status, 400-599.</param>
    /// <param name="method">The request's method.</param>
    /// <param name="path">The request's path (never its query, which may hold a key).</param>
    /// <param name="allow">The <c>Allow</c> header of a 405: the methods the route accepts.</param>
    public static ProblemDetails ForRequest(int status, string method, string path, string? allow = null) => status switch
    {
        404 => Make(404, ProblemTypes.NotFound, "No such route",
            $"No route matches {method} {path}. The API reference (/api/docs) lists every route."),
        405 => Make(405, ProblemTypes.MethodNotAllowed, "Method not allowed",
            string.IsNullOrEmpty(allow) ? $"{path} does not accept {method}." : $"{path} does not accept {method}; it accepts {allow}."),
        _ => Make(status, TypeFor(status), Title(status),
            $"The request {method} {path} was refused with HTTP {status} ({Title(status)}) before a Patchbay route handled it."),
    };

    /// <summary>The Patchbay problem type for a status no route chose a type for.</summary>
    public static string TypeFor(int status) => status switch
    {
        401 => ProblemTypes.Unauthorized,
        404 => ProblemTypes.NotFound,
        405 => ProblemTypes.MethodNotAllowed,
        408 => ProblemTypes.RequestTimeout,
        413 => ProblemTypes.TooLarge,
        414 => ProblemTypes.UriTooLong,
        431 => ProblemTypes.HeadersTooLarge,
        >= 500 => ProblemTypes.Internal,
        _ => ProblemTypes.InvalidRequest,
    };

    /// <summary>The standard reason phrase, e.g. <c>URI Too Long</c>.</summary>
    public static string Title(int status) => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "HTTP " + status;

    internal static ProblemDetails Make(int status, string type, string title, string detail) =>
        new() { Status = status, Type = type, Title = title, Detail = detail };
}
