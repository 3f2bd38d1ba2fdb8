using System.Text.Json;

namespace Patchbay.Sdk.Tests.Execution;

public class HandlerRegistrationTests
{
    private const string Manifest = """
        {"name":"reg","version":"1.0.0","description":"d",
         "actions":{"one":{"description":"d","input_schema":{"type":"object"},"output_schema":{"type":"object"}}},
         "polling_triggers":{"feed":{"description":"d","polling_interval":"1m","input_schema":{"type":"object"},"output_schema":{"type":"object"}}}}
        """;

    [Action("one")]
    private sealed class One : ActionHandler
    {
        public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult<ActionOutcome>(ActionResult.From(new { }));
    }

    [Action("two")]
    private sealed class Two : ActionHandler
    {
        public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult<ActionOutcome>(ActionResult.From(new { }));
    }

    [PollingTrigger("feed")]
    private sealed class Feed : PollingTriggerHandler
    {
        public override Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PollRecord>>([]);
    }

    [Action("one")]
    private sealed class NotAHandler;

    [Fact]
    public void Create_ActionWithoutHandler_NamesTheActionAndWhatToAdd()
    {
        ConfigurationError error = Assert.Throws<ConfigurationError>(() => Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(Feed)]));
        Assert.Equal("/actions/one", error.Path);
        Assert.Contains("[Action(\"one\")]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TriggerWithoutHandler_NamesTheTrigger()
    {
        ConfigurationError error = Assert.Throws<ConfigurationError>(() => Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(One)]));
        Assert.Equal("/polling_triggers/feed", error.Path);
    }

    [Fact]
    public void Create_HandlerWithoutAction_NamesBothSides()
    {
        ConfigurationError error = Assert.Throws<ConfigurationError>(() => Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(One), typeof(Two), typeof(Feed)]));
        Assert.Contains(typeof(Two).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("'two'", error.Message, StringComparison.Ordinal);
        Assert.Contains("declared: one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AttributeOnAClassThatIsNoHandler_SaysWhatToDeriveFrom()
    {
        ConfigurationError error = Assert.Throws<ConfigurationError>(() => Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(NotAHandler), typeof(Feed)]));
        Assert.Contains("does not derive from ActionHandler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MatchingHandlers_Loads()
    {
        Connector connector = Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(One), typeof(Feed)]);
        Assert.Equal("reg", connector.Id);
        Assert.False(connector.HasConnectedAccountHandler);
    }
}
