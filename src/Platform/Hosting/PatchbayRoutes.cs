namespace Patchbay.Platform.Hosting;

/// <summary>
/// Every route of Patchbay's HTTP API, declared once. The standalone host maps them under <see cref="Prefix"/>
/// with minimal APIs (the <c>Map*</c> methods beside each feature's endpoint code); the isolated worker's
/// <c>[HttpTrigger(Route = ...)]</c> attributes use the same constants, and the Functions host adds the prefix
/// from host.json's <c>extensions.http.routePrefix</c>. Templates carry no leading slash and no prefix.
/// </summary>
public static class PatchbayRoutes
{
    /// <summary>The path every API route lives under (host.json's <c>routePrefix</c>).</summary>
    public const string Prefix = "api";

    /// <summary><c>GET</c>: liveness and version; no key needed.</summary>
    public const string Health = "health";

    /// <summary><c>GET</c>: readiness (storage answers); no key needed.</summary>
    public const string HealthReady = "health/ready";

    /// <summary><c>GET</c>: every connector.</summary>
    public const string Connectors = "connectors";

    /// <summary><c>GET</c>: one connector's manifest.</summary>
    public const string Connector = "connectors/{connector}";

    /// <summary><c>GET</c>: what a connect form needs (auth type, fields, or the OAuth provider).</summary>
    public const string ConnectorAuth = "connectors/{connector}/auth";

    /// <summary><c>POST</c>, <c>GET</c>, <c>DELETE</c>: the MCP server (streamable HTTP, stateless).</summary>
    public const string Mcp = "mcp";

    /// <summary><c>GET</c>: actions as LLM tool definitions.</summary>
    public const string Tools = "tools";

    /// <summary><c>POST</c>: runs an action.</summary>
    public const string ExecuteAction = "connectors/{connector}/actions/{action}";

    /// <summary><c>POST</c>: the account behind the given auth or connection.</summary>
    public const string ConnectedAccount = "connectors/{connector}/connected-account";

    /// <summary><c>POST</c>: one poll of a trigger on demand.</summary>
    public const string PollTrigger = "connectors/{connector}/triggers/{trigger}/poll";

    /// <summary><c>POST</c> creates, <c>GET</c> lists by <c>entity_id</c>.</summary>
    public const string Connections = "connections";

    /// <summary><c>GET</c> reads, <c>DELETE</c> deletes one connection.</summary>
    public const string Connection = "connections/{id}";

    /// <summary><c>POST</c>: runs a connection's connected-account check again.</summary>
    public const string CheckConnection = "connections/{id}/check";

    /// <summary><c>POST</c>: starts a new OAuth authorization for an EXPIRED or FAILED connection, keeping its id.</summary>
    public const string ReconnectConnection = "connections/{id}/reconnect";

    /// <summary><c>GET</c>: where OAuth providers send the user back (anonymous: the signed state authorises it).</summary>
    public const string OAuthCallback = "oauth/callback";

    /// <summary><c>POST</c> creates, <c>GET</c> lists by <c>entity_id</c>.</summary>
    public const string Subscriptions = "subscriptions";

    /// <summary><c>GET</c> reads, <c>DELETE</c> deletes one subscription.</summary>
    public const string Subscription = "subscriptions/{id}";

    /// <summary><c>GET</c>: a subscription's recent deliveries and failed polls.</summary>
    public const string SubscriptionEvents = "subscriptions/{id}/events";

    /// <summary><c>POST</c>: resumes a paused subscription.</summary>
    public const string ResumeSubscription = "subscriptions/{id}/resume";

    /// <summary><c>POST</c>: polls a subscription now, through the tick's own path.</summary>
    public const string PollSubscription = "subscriptions/{id}/poll";

    /// <summary><c>POST</c>: a connect session (a short-lived token and the hosted page's URL) for one entity.</summary>
    public const string ConnectSessions = "connect-sessions";

    /// <summary><c>GET</c> the hosted connect page, <c>POST</c> its form; no key needed (the connect token authorises them).</summary>
    public const string Connect = "connect";
}
