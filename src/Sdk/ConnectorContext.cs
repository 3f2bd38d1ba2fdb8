using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk;

/// <summary>
/// What a handler gets besides its inputs: the auth it runs with, a logger, and
/// <see cref="FetchAsync"/> for HTTP calls that inject auth, stay inside <c>allowed_hosts</c> and retry safely.
/// </summary>
/// <remarks>Autohive calls this <c>ExecutionContext</c>; that name clashes with <see cref="System.Threading.ExecutionContext"/>.</remarks>
public class ConnectorContext
{
    private readonly FetchClient _client;
    private readonly ConnectorContextOptions _options;

    /// <summary>Creates a context that sends its requests through <paramref name="client"/>.</summary>
    public ConnectorContext(FetchClient client, ConnectorContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new ConnectorContextOptions();
        Logger = _options.Logger ?? NullLogger.Instance;
    }

    /// <summary>For mocking.</summary>
    protected ConnectorContext()
    {
        _client = null!;
        _options = new ConnectorContextOptions();
        Logger = NullLogger.Instance;
    }

    /// <summary>The credentials, in the normalized envelope.</summary>
    public ConnectorAuth Auth => _options.Auth;

    /// <summary>A logger that carries the connector, action and invocation in its scope.</summary>
    public ILogger Logger { get; }

    /// <summary>The options this context was created with.</summary>
    public ConnectorContextOptions Options => _options;

    /// <summary>
    /// The platform's network guard: which addresses outbound requests may reach (the platform's
    /// AllowPrivateNetworks setting) and the proxy they go through. <see cref="FetchAsync"/> applies it;
    /// a connector that brings its own HTTP transport (an Azure SDK, a database driver over HTTP) builds its
    /// handler with <see cref="NetworkGuard.CreateHandler"/> so the same rule holds there.
    /// </summary>
    public virtual NetworkGuard Network => _client?.Network ?? NetworkGuard.Default;

    /// <summary>
    /// The clock handlers read "now" from (a rate limit's reset time, a since-window), so tests can fix it.
    /// <value><see cref="ConnectorContextOptions.TimeProvider"/>; <see cref="TimeProvider.System"/> by default.</value>
    /// </summary>
    public TimeProvider TimeProvider => _options.TimeProvider ?? TimeProvider.System;

    /// <summary>
    /// Sends an HTTP request with the connector's auth injected and returns the parsed response.
    /// </summary>
    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="method">The HTTP method; GET when <see langword="null"/>.</param>
    /// <param name="query">Query parameters; objects and arrays are JSON-encoded, nulls skipped.</param>
    /// <param name="json">A JSON body (a <see cref="JsonElement"/>, a JsonNode or any serializable value).</param>
    /// <param name="form">A form-encoded body.</param>
    /// <param name="body">Raw content, sent as is.</param>
    /// <param name="headers">Extra headers; an explicit <c>Authorization</c> wins over injected auth.</param>
    /// <param name="timeout">Per-request timeout; <see cref="FetchOptions.Timeout"/> when <see langword="null"/>.</param>
    /// <param name="maxResponseBytes">
    /// The most bytes of the response body to read (1 byte to 1 GiB); <see cref="FetchOptions.MaxResponseBytes"/>
    /// (10 MiB by default) when <see langword="null"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the request and its retries.</param>
    /// <returns>Status, headers and data: JSON parsed, text as a JSON string, nothing for an empty answer.</returns>
    /// <exception cref="RateLimitError">The upstream answered 429 and the wait is longer than the SDK will sleep.</exception>
    /// <exception cref="HttpError">The upstream answered another non-2xx status after the retries.</exception>
    /// <exception cref="FetchBlockedException">The URL's host is outside <c>allowed_hosts</c> or the network guard refused its address.</exception>
    /// <exception cref="ResponseTooLargeError">The body is longer than <paramref name="maxResponseBytes"/>; the rest was not read.</exception>
    /// <exception cref="TimeoutException">The last attempt timed out (each attempt has <paramref name="timeout"/>).</exception>
    /// <exception cref="HttpRequestException">The last attempt failed on the network (connection refused or reset).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, also during a backoff.</exception>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL, more than one body was given, or a limit is out of range.</exception>
    /// <remarks>Retries, redirects and the network guard are described on <see cref="FetchClient"/>.</remarks>
    public virtual Task<FetchResponse> FetchAsync(
        string url,
        HttpMethod? method = null,
        IReadOnlyDictionary<string, object?>? query = null,
        object? json = null,
        IReadOnlyDictionary<string, string>? form = null,
        HttpContent? body = null,
        IReadOnlyDictionary<string, string>? headers = null,
        TimeSpan? timeout = null,
        long? maxResponseBytes = null,
        CancellationToken cancellationToken = default)
        => _client.SendAsync(
            new FetchRequest(url, method ?? HttpMethod.Get, query, json, form, body, headers, timeout, maxResponseBytes),
            _options,
            cancellationToken);
}

/// <summary>How a <see cref="ConnectorContext"/> sends requests for one connector and one caller.</summary>
public sealed class ConnectorContextOptions
{
    /// <summary>The credentials. <value>Default: <see cref="ConnectorAuth.None"/>.</value></summary>
    public ConnectorAuth Auth { get; set; } = ConnectorAuth.None;

    /// <summary>
    /// Hosts requests may go to (exact names, or <c>*.example.com</c> for subdomains). Empty: any host.
    /// A request elsewhere fails before anything is sent, so credentials cannot leak.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>Where an API key goes, from the manifest's <c>auth.api_key</c>; <see langword="null"/> when none.</summary>
    public ApiKeyPlacement? ApiKey { get; set; }

    /// <summary>
    /// Rewrites origins before sending, e.g. <c>https://api.github.com</c> to a loopback test server.
    /// <c>allowed_hosts</c> is checked against the URL the handler wrote, before the rewrite.
    /// </summary>
    public IReadOnlyDictionary<string, Uri> BaseUrlOverrides { get; set; } = new Dictionary<string, Uri>();

    /// <summary>The logger handed to the handler. <value>Default: no logging.</value></summary>
    public ILogger? Logger { get; set; }

    /// <summary>The clock handlers read through <see cref="ConnectorContext.TimeProvider"/>. <value>Default: <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Free-form values the host passes through (invocation id, entity id).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>();
}
