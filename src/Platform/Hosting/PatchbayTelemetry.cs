using System.Diagnostics;
using Microsoft.AspNetCore.Routing.Patterns;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Patchbay.Sdk;

namespace Patchbay.Platform.Hosting;

/// <summary>
/// Patchbay's traces, from the <see cref="SourceName"/> ActivitySource both hosts export: one span per invocation
/// (an HTTP request or a polling tick, started by the host) and one per subscription a tick polls. The endpoint code
/// adds what an invocation is about (<see cref="Describe"/>): connector, action, trigger, connection and subscription
/// ids. Never inputs, credentials, keys or signing secrets.
/// </summary>
public static class PatchbayTelemetry
{
    /// <summary>The ActivitySource name; add it to any other tracer provider to see Patchbay's spans.</summary>
    public const string SourceName = "Patchbay";

    /// <summary>The span attributes Patchbay sets. <c>faas.*</c> are the OpenTelemetry FaaS conventions.</summary>
    public static class Attributes
    {
        public const string FunctionName = "faas.name";
        public const string InvocationId = "faas.invocation_id";
        public const string Trigger = "faas.trigger";
        public const string StatusCode = "http.response.status_code";
        public const string Connector = "patchbay.connector";
        public const string Action = "patchbay.action";
        public const string PollingTrigger = "patchbay.trigger";
        public const string ConnectionId = "patchbay.connection_id";
        public const string SubscriptionId = "patchbay.subscription_id";
    }

    internal static ActivitySource Source { get; } = new(SourceName, SdkInfo.Version);

    /// <summary>
    /// Whether anything listens to Patchbay's spans. Hosts check it before building what only a span needs (its name,
    /// route tags); <see cref="StartInvocation"/> and <see cref="StartPoll"/> return <see langword="null"/> when nothing does.
    /// </summary>
    public static bool IsTracing => Source.HasListeners();

    /// <summary>
    /// Whether <paramref name="configuration"/> names somewhere to export to: <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
    /// (Azure Monitor). Only then does <see cref="AddPatchbayTelemetry"/> register tracing.
    /// </summary>
    public static bool IsExportConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[SettingNames.AppInsightsConnectionString] is { Length: > 0 };
    }

    /// <summary>
    /// Registers OpenTelemetry tracing of <see cref="SourceName"/>, exported to Azure Monitor, when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (<see cref="IsExportConfigured"/>); otherwise registers nothing,
    /// so that no request records spans nobody reads (no tracer provider, no listener on any ActivitySource: issue 15,
    /// start-up and the action path). <paramref name="configureHost"/> adds what only one host traces (ASP.NET Core's
    /// request spans standalone, the isolated worker's defaults); it runs only when tracing is registered. A test or an
    /// embedding host that wants Patchbay's spans without an exporter registers its own tracer provider with
    /// <c>AddSource(PatchbayTelemetry.SourceName)</c>.
    /// </summary>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddPatchbayTelemetry(this IServiceCollection services, IConfiguration configuration, Action<OpenTelemetryBuilder>? configureHost = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!IsExportConfigured(configuration)) return services;
        string connectionString = configuration[SettingNames.AppInsightsConnectionString]!;
        OpenTelemetryBuilder telemetry = services.AddOpenTelemetry();
        configureHost?.Invoke(telemetry);
        telemetry.WithTracing(tracing => tracing.AddSource(SourceName));
        telemetry.UseAzureMonitorExporter(exporter => exporter.ConnectionString = connectionString);
        return services;
    }

    /// <summary>Starts the span of one invocation; <paramref name="functionName"/> is the function's (and the standalone endpoint's) name.</summary>
    public static Activity? StartInvocation(string functionName, string invocationId, bool isTimer)
    {
        Activity? activity = Source.StartActivity(functionName, isTimer ? ActivityKind.Internal : ActivityKind.Server);
        activity?.SetTag(Attributes.FunctionName, functionName);
        activity?.SetTag(Attributes.InvocationId, invocationId);
        activity?.SetTag(Attributes.Trigger, isTimer ? "timer" : "http");
        return activity;
    }

    /// <summary>Records an HTTP invocation's answer; 5xx marks the span as failed.</summary>
    public static void SetStatus(Activity? activity, int statusCode)
    {
        if (activity is null) return;
        activity.SetTag(Attributes.StatusCode, statusCode);
        if (statusCode >= 500) activity.SetStatus(ActivityStatusCode.Error);
    }

    /// <summary>
    /// Adds the route values of the request <paramref name="context"/> matched to <paramref name="activity"/>:
    /// <c>{connector}</c>, <c>{action}</c>, <c>{trigger}</c>, and <c>{id}</c> as a connection or subscription id by the
    /// segment before it. Both hosts call it once routing has matched the request to an endpoint.
    /// </summary>
    public static void DescribeRoute(Activity? activity, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (activity is null || context.GetEndpoint() is not RouteEndpoint endpoint) return;
        string? previousLiteral = null;
        foreach (RoutePatternPathSegment segment in endpoint.RoutePattern.PathSegments)
        {
            if (segment.IsSimple && segment.Parts[0] is RoutePatternLiteralPart literal)
            {
                previousLiteral = literal.Content;
                continue;
            }

            foreach (RoutePatternParameterPart parameter in segment.Parts.OfType<RoutePatternParameterPart>())
            {
                if (context.Request.RouteValues[parameter.Name] is not string value) continue;
                string? attribute = (parameter.Name, previousLiteral) switch
                {
                    ("connector", _) => Attributes.Connector,
                    ("action", _) => Attributes.Action,
                    ("trigger", _) => Attributes.PollingTrigger,
                    ("id", "connections") => Attributes.ConnectionId,
                    ("id", "subscriptions") => Attributes.SubscriptionId,
                    _ => null,
                };
                if (attribute is not null) activity.SetTag(attribute, value);
            }
        }
    }

    /// <summary>
    /// Clears <see cref="Activity.Current"/> for the rest of the calling async method (and what it calls) when the current
    /// trace is recorded by no one and was not continued from a caller: then there is nothing to continue upstream. Without
    /// this, every upstream call would carry a <c>traceparent</c> of a trace nobody can look up, because HttpClient starts a
    /// child activity and writes the header whenever an activity is current, and ASP.NET Core starts one per request for its
    /// log scopes whether or not anything traces (issue 15: an Activity, its tags and the header on every call). A caller's
    /// trace context (a remote parent anywhere up the chain) and any recorded trace are kept and reach the upstream as before.
    /// </summary>
    internal static void ForgetUnrecordedTrace()
    {
        Activity? current = Activity.Current;
        for (Activity? activity = current; activity is not null; activity = activity.Parent)
        {
            if (activity.Recorded || activity.HasRemoteParent) return;
        }

        if (current is not null) Activity.Current = null;
    }

    /// <summary>Starts the span of one subscription's poll inside a tick.</summary>
    internal static Activity? StartPoll(string subscriptionId, string connector, string trigger)
    {
        Activity? activity = Source.StartActivity("PollSubscription");
        activity?.SetTag(Attributes.SubscriptionId, subscriptionId);
        activity?.SetTag(Attributes.Connector, connector);
        activity?.SetTag(Attributes.PollingTrigger, trigger);
        return activity;
    }

    /// <summary>
    /// Adds what the current invocation is about to its span. Identifiers only: never pass inputs or credentials. Only a
    /// span of Patchbay's own source is described: when nothing traces Patchbay, the current activity may be one nobody
    /// records (ASP.NET Core starts one per request for its log scopes), and tagging it would be work for nothing.
    /// </summary>
    internal static void Describe(string? connector = null, string? action = null, string? trigger = null, string? connectionId = null, string? subscriptionId = null)
    {
        if (Activity.Current is not { } activity || activity.Source != Source || !activity.IsAllDataRequested) return;
        if (connector is not null) activity.SetTag(Attributes.Connector, connector);
        if (action is not null) activity.SetTag(Attributes.Action, action);
        if (trigger is not null) activity.SetTag(Attributes.PollingTrigger, trigger);
        if (connectionId is not null) activity.SetTag(Attributes.ConnectionId, connectionId);
        if (subscriptionId is not null) activity.SetTag(Attributes.SubscriptionId, subscriptionId);
    }
}
