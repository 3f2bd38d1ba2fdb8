using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Patchbay.Sdk.Fetch;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="FetchClient"/> with IHttpClientFactory.</summary>
public static class FetchServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="FetchClient"/> whose HTTP clients come from IHttpClientFactory
    /// (named <see cref="FetchConstants.HttpClientName"/>, primary handler from <see cref="FetchClient.CreatePrimaryHandler"/>),
    /// and validates <see cref="FetchOptions"/> at start.
    /// </summary>
    /// <remarks>
    /// The factory's own request logging is removed from that client: it would log full URLs, and an API key
    /// may travel in the query string. <see cref="FetchClient"/> logs method, host and path itself.
    /// </remarks>
    public static IServiceCollection AddPatchbayFetch(this IServiceCollection services, Action<FetchOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<FetchOptions> options = services.AddOptions<FetchOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FetchOptions>, FetchOptionsValidator>());
        options.ValidateOnStart();

        services.AddHttpClient(FetchConstants.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => FetchClient.CreatePrimaryHandler(sp.GetRequiredService<IOptions<FetchOptions>>().Value))
            .RemoveAllLoggers();

        services.TryAddSingleton(sp => new FetchClient(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<FetchOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<FetchClient>()));
        return services;
    }
}

/// <summary>Reports every invalid <see cref="FetchOptions"/> value at once, as <see cref="FetchOptions.Validate"/> does.</summary>
internal sealed class FetchOptionsValidator : IValidateOptions<FetchOptions>
{
    public ValidateOptionsResult Validate(string? name, FetchOptions options)
    {
        IReadOnlyList<string> errors = options.GetValidationErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
