using Microsoft.Extensions.Options;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connect;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Platform.Hosting;

/// <summary>Registers the host-neutral platform: both hosts (standalone and the isolated worker) call this and nothing else of it.</summary>
public static class PlatformServiceCollectionExtensions
{
    /// <summary>Adds options, storage clients, the connector catalogue, the invoker, connections, subscriptions and the poller.</summary>
    public static IServiceCollection AddPatchbayPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PatchbayOptions>().Bind(configuration.GetSection(PatchbayOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            if (InvocationIds.Get(context.HttpContext) is { } invocationId)
            {
                context.ProblemDetails.Extensions["invocation_id"] = invocationId;
            }

            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<PatchbayExceptionHandler>();
        // The health answers with source-generated metadata: the first answer a starting host gives (a probe's) builds no
        // reflection-based serializer metadata (issue 15, start-up). Every other type still resolves by reflection as before.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, PlatformJsonContext.Default));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => StorageClients.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(),
            new StorageGuard(sp.GetRequiredService<IOptions<PatchbayOptions>>().Value.StorageTimeout, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Patchbay.Storage"))));
        services.AddSingleton(sp => new CredentialProtector(sp.GetRequiredService<IOptions<PatchbayOptions>>().Value.EncryptionKeys));
        services.AddSingleton<ConnectionStore>();
        services.AddSingleton(sp => new ConnectTokens(sp.GetRequiredService<IOptions<PatchbayOptions>>().Value.EncryptionKeys, sp.GetRequiredService<TimeProvider>()));
        // The shipped connectors load on the thread pool from here on, while the host builds itself; the catalogue waits for them.
        services.AddSingleton(ConnectorDiscovery.Start(AppContext.BaseDirectory));
        services.AddSingleton(sp => new ConnectorCatalog(
            sp.GetRequiredService<ConnectorDiscovery>().Connectors.Concat(sp.GetServices<ConnectorRegistration>().Select(r => r.Connector))));
        services.AddSingleton(sp => new FetchClient(
            new FetchOptions
            {
                AllowPrivateNetworks = sp.GetRequiredService<IOptions<PatchbayOptions>>().Value.AllowPrivateNetworks,
                Proxy = sp.GetRequiredService<IOptions<PatchbayOptions>>().Value.OutboundProxyUri,
            },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Patchbay.Fetch")));
        services.AddHttpContextAccessor();
        services.AddSingleton<OAuth.OAuthProviders>();
        services.AddSingleton<OAuth.OAuthTokenClient>();
        services.AddSingleton<OAuth.OAuthTokens>();
        services.AddSingleton<OAuth.OAuthConnections>();
        services.AddSingleton<Connect.IOAuthInitiator, OAuth.OAuthConnectInitiator>();
        services.AddSingleton<ActionInvoker>();
        services.AddSingleton<SubscriptionStore>();
        services.AddSingleton<DeliverySender>();
        services.AddSingleton<PollerFaults>();
        services.AddSingleton<Poller>();
        return services;
    }

    /// <summary>
    /// Builds the singletons that check connectors and settings, so a broken one stops start-up instead of the first
    /// request. The connectors have been loading since <see cref="AddPatchbayPlatform"/>; this waits for them.
    /// </summary>
    /// <remarks>
    /// It also starts building the storage clients (their constructors parse and check the storage setting) on the
    /// thread pool, first, so that work overlaps this method's own waits (the connectors, the settings check) and the host
    /// mapping its routes and binding its listener (issue 15, start-up).
    /// Both hosts need them before they answer (the standalone polling scheduler's poller, the worker's queue sender):
    /// whichever resolves them first waits for that build instead of running it again, and a broken storage setting
    /// still fails there: a failure here is only observed, since the start-up path builds and throws it again.
    /// </remarks>
    public static void ValidatePatchbayPlatform(this IServiceProvider services)
    {
        // Started first, so that it runs while this thread waits for the connectors and checks the settings.
        StartUpWork.Start(() => services.GetRequiredService<StorageClients>());
        services.GetRequiredService<ConnectorCatalog>();
        services.GetRequiredService<CredentialProtector>();
    }
}

/// <summary>Source-generated serializer metadata for the answers on a starting host's first request (health and readiness).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthResponse))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class PlatformJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
