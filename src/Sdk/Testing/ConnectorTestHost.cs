using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Testing;

/// <summary>
/// Runs a connector in a test: loads it, points its base URLs at a local test server, and executes
/// actions, polls and connected-account lookups with plain objects as inputs and auth.
/// </summary>
/// <example><code>
/// var host = ConnectorTestHost.FromAssembly(typeof(ListIssues).Assembly)
///     .Redirect("https://api.github.com", server.BaseAddress);
/// IntegrationResult result = await host.ExecuteActionAsync("list_issues",
///     new { owner = "octo", repo = "hello" }, auth: new { access_token = "test-token" });
/// </code></example>
public sealed class ConnectorTestHost
{
    private readonly Dictionary<string, Uri> _overrides = new(StringComparer.OrdinalIgnoreCase);
    private FetchClient? _client;

    /// <summary>Wraps a loaded connector.</summary>
    public ConnectorTestHost(Connector connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        Connector = connector;
    }

    /// <summary>The connector under test.</summary>
    public Connector Connector { get; }

    /// <summary>
    /// Fetch settings for the test: private networks allowed (test servers are on loopback) and short
    /// backoff. Change them before the first call.
    /// </summary>
    public FetchOptions FetchOptions { get; } = new() { AllowPrivateNetworks = true, BaseDelay = TimeSpan.FromMilliseconds(10), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The logger handlers get; <see langword="null"/> for none.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The clock handlers read through <see cref="ConnectorContext.TimeProvider"/>; set a fixed one to test time-dependent results.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Loads the connector a connector project builds (embedded config.json and handlers).</summary>
    public static ConnectorTestHost FromAssembly(Assembly assembly) => new(Connector.FromAssembly(assembly));

    /// <summary>Loads a <c>config.json</c> from a folder with handlers from <paramref name="handlers"/>.</summary>
    public static ConnectorTestHost FromFolder(string folder, Assembly handlers) => new(Connector.Load(Path.Combine(folder, "config.json"), handlers));

    /// <summary>Sends requests for <paramref name="origin"/> (e.g. <c>https://api.github.com</c>) to <paramref name="target"/>.</summary>
    public ConnectorTestHost Redirect(string origin, Uri target)
    {
        _overrides[origin.TrimEnd('/')] = target;
        return this;
    }

    /// <summary>A context with <paramref name="auth"/> (envelope or flat credentials, as an object or JSON text).</summary>
    public ConnectorContext CreateContext(object? auth = null)
    {
        ConnectorContextOptions options = Connector.CreateContextOptions(Connector.ReadAuth(ToJson(auth)));
        options.BaseUrlOverrides = new Dictionary<string, Uri>(_overrides, StringComparer.OrdinalIgnoreCase);
        options.Logger = Logger;
        options.TimeProvider = TimeProvider;
        _client ??= new FetchClient(FetchOptions);
        return new ConnectorContext(_client, options);
    }

    /// <summary>Runs an action as the platform would: inputs and auth validated, output validated.</summary>
    public Task<IntegrationResult> ExecuteActionAsync(string action, object? inputs = null, object? auth = null, CancellationToken cancellationToken = default) =>
        Connector.ExecuteActionAsync(action, ToJson(inputs), CreateContext(auth), cancellationToken);

    /// <summary>Runs one poll of a trigger.</summary>
    public Task<IReadOnlyList<PollRecord>> PollAsync(string trigger, object? inputs = null, DateTimeOffset? lastPollTs = null, object? auth = null, CancellationToken cancellationToken = default) =>
        Connector.ExecutePollingTriggerAsync(trigger, ToJson(inputs), lastPollTs, CreateContext(auth), cancellationToken);

    /// <summary>Runs the connected-account handler.</summary>
    public Task<IntegrationResult> GetConnectedAccountAsync(object? auth = null, CancellationToken cancellationToken = default) =>
        Connector.GetConnectedAccountAsync(CreateContext(auth), cancellationToken);

    /// <summary>Turns a test value into JSON: <see cref="JsonElement"/> as is, strings parsed as JSON, other objects serialized.</summary>
    public static JsonElement ToJson(object? value) => value switch
    {
        null => default,
        JsonElement element => element,
        string text => JsonDocument.Parse(text).RootElement.Clone(),
        _ => JsonSerializer.SerializeToElement(value, value.GetType(), ConnectorJson.Options),
    };
}
