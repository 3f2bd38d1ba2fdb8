using Microsoft.Extensions.DependencyInjection;

namespace Patchbay.Client;

/// <summary>Registers <see cref="PatchbayClient"/> on an <c>IHttpClientFactory</c> client.</summary>
public static class PatchbayClientServiceCollectionExtensions
{
    /// <summary>Adds <see cref="PatchbayClient"/> (transient, on a pooled handler from <c>IHttpClientFactory</c>) configured by <paramref name="configure"/>.</summary>
    /// <example>
    /// <code>
    /// services.AddPatchbayClient(o => { o.Endpoint = new Uri("https://my-app.azurewebsites.net"); o.ApiKey = key; });
    /// </code>
    /// </example>
    public static IHttpClientBuilder AddPatchbayClient(this IServiceCollection services, Action<PatchbayClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PatchbayClientOptions();
        configure(options);
        PatchbayClientOptions validated = options.Validated();
        // The client bounds each call itself (PatchbayClientOptions.Timeout, plus a long poll's wait).
        return services.AddHttpClient(nameof(PatchbayClient), http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddTypedClient(http => new PatchbayClient(http, validated));
    }
}
