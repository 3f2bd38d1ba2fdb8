using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;

namespace Patchbay.Platform.Hosting;

/// <summary>
/// One-liners that document a route in the OpenAPI document: the JSON body it reads and the problems it answers.
/// <code>
/// group.MapPost("/{id}/poll", PollAsync).WithName("PollSubscription")
///     .WithJsonBody&lt;PollSubscriptionRequest&gt;()
///     .WithPatchbayProblems(404, 409);
/// </code>
/// </summary>
public static class ApiDocumentation
{
    /// <summary>The media type of every error Patchbay answers.</summary>
    public const string ProblemContentType = "application/problem+json";

    /// <summary>The statuses every keyed route can answer: a missing or wrong key, and an unexpected failure.</summary>
    public static IReadOnlyList<int> AlwaysAnswered { get; } = [401, 500];

    /// <summary>
    /// Documents the problems a route answers, as <see cref="Problem"/> in <c>application/problem+json</c>; 401 and 500
    /// (<see cref="AlwaysAnswered"/>) are always added.
    /// </summary>
    public static TBuilder WithPatchbayProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (int status in statuses.Concat(AlwaysAnswered).Distinct().Order())
        {
            if (status is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(statuses), status, "Problems are 4xx or 5xx statuses.");
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Problem), [ProblemContentType]));
        }

        return builder;
    }

    /// <summary>
    /// Documents the JSON object a route reads with <c>RequestBody.ReadObjectAsync</c>: optional (an empty body is <c>{}</c>),
    /// with the fields of <typeparamref name="TRequest"/> and no others. Read the allowed fields with <see cref="FieldsOf{TRequest}"/>.
    /// </summary>
    public static TBuilder WithJsonBody<TRequest, TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AcceptsMetadata(["application/json"], typeof(TRequest), isOptional: true));

    /// <inheritdoc cref="WithJsonBody{TRequest, TBuilder}(TBuilder)"/>
    public static RouteHandlerBuilder WithJsonBody<TRequest>(this RouteHandlerBuilder builder) => builder.WithJsonBody<TRequest, RouteHandlerBuilder>();

    /// <summary>The JSON field names of a request record, so the fields a route accepts and the ones it documents are one list.</summary>
    public static HashSet<string> FieldsOf<TRequest>() =>
        [.. typeof(TRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name)];
}

/// <summary>An RFC 9457 problem, as every Patchbay error answers it (the <c>Problem</c> schema of the OpenAPI document).</summary>
public sealed record Problem
{
    [JsonPropertyName("type"), Description("A stable urn:patchbay:problem:… type.")] public required string Type { get; init; }
    [JsonPropertyName("title"), Description("A short summary of the type.")] public required string Title { get; init; }
    [JsonPropertyName("status"), Description("The HTTP status.")] public required int Status { get; init; }
    [JsonPropertyName("detail"), Description("What went wrong and what to do next.")] public string? Detail { get; init; }
    [JsonPropertyName("instance"), Description("The request path.")] public string? Instance { get; init; }
    [JsonPropertyName("errors"), Description("For bad input: every field at fault, by JSON Pointer.")] public IReadOnlyList<ProblemFieldError>? Errors { get; init; }
    [JsonPropertyName("invocation_id"), Description("Finds the request in the logs.")] public string? InvocationId { get; init; }
    [JsonPropertyName("traceId"), Description("The W3C trace id of the request.")] public string? TraceId { get; init; }
    [JsonPropertyName("upstream_status"), Description("502 only: the status the upstream service answered.")] public int? UpstreamStatus { get; init; }
    [JsonPropertyName("retry_after_seconds"), Description("429 only: how long the upstream service asked to wait.")] public int? RetryAfterSeconds { get; init; }
}

/// <summary>One field at fault: its JSON Pointer in the request and what is wrong with it.</summary>
public sealed record ProblemFieldError(
    [property: JsonPropertyName("path"), Description("JSON Pointer to the field, e.g. /inputs/url.")] string Path,
    [property: JsonPropertyName("message"), Description("What is wrong with it.")] string Message);

/// <summary>The liveness answer of <c>GET /api/health</c>.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status"), Description("healthy")] string Status,
    [property: JsonPropertyName("version"), Description("The SDK version.")] string Version);
