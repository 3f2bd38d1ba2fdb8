using Microsoft.Extensions.DependencyInjection;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

public class FetchOptionsTests
{
    [Fact]
    public void Defaults_MatchTheDocumentedValues()
    {
        var options = new FetchOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxRetryAfter);
        Assert.Equal(5, options.MaxRedirects);
        Assert.False(options.AllowPrivateNetworks);
        options.Validate();
    }

    [Fact]
    public void InvalidBag_ThrowsOneArgumentExceptionListingEveryProblem()
    {
        var options = new FetchOptions
        {
            Timeout = TimeSpan.Zero,
            MaxRetries = -1,
            BaseDelay = TimeSpan.FromSeconds(-1),
            MaxRetryAfter = TimeSpan.FromDays(2),
            MaxRedirects = -2,
        };

        ArgumentException error = Assert.Throws<ArgumentException>(() => new FetchClient(options));

        Assert.Equal(
            "Invalid FetchOptions: Timeout must be greater than zero and at most 1 day (was 00:00:00). "
            + "MaxRetries must be between 0 and 100 (was -1). "
            + "BaseDelay must be between zero and 1 day (was -00:00:01). "
            + "MaxRetryAfter must be between zero and 1 day (was 2.00:00:00). "
            + "MaxRedirects must be between 0 and 50 (was -2).",
            error.Message);
    }

    [Fact]
    public void Client_CopiesOptions_LaterChangesHaveNoEffect()
    {
        var options = new FetchOptions { MaxRetries = 1 };
        using var client = new FetchClient(options);

        options.MaxRetries = 7;

        Assert.Equal(1, client.Options.MaxRetries);
    }

    [Fact]
    public void AddPatchbayFetch_RegistersASingletonClientWithConfiguredOptions()
    {
        var services = new ServiceCollection();
        services.AddPatchbayFetch(o => o.MaxRetries = 2);
        using ServiceProvider provider = services.BuildServiceProvider();

        FetchClient client = provider.GetRequiredService<FetchClient>();

        Assert.Same(client, provider.GetRequiredService<FetchClient>());
        Assert.Equal(2, client.Options.MaxRetries);
    }

    [Fact]
    public void AddPatchbayFetch_InvalidOptions_FailValidationListingEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddPatchbayFetch(o =>
        {
            o.MaxRetries = -1;
            o.MaxRedirects = 99;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<FetchOptions>>().Value);

        Assert.Equal(2, error.Failures.Count());
    }
}
