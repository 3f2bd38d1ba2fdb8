using System.Text.Json;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Execution;

/// <summary>Issue 11 item 5: a connector checks credentials offline, and every caller of ValidateAuth gets that check.</summary>
public class CredentialsCheckTests
{
    private const string Manifest = """
        {"name":"chk","version":"1.0.0","description":"d",
         "auth":{"type":"custom","fields":{"type":"object","required":["dsn"],"properties":{"dsn":{"type":"string","minLength":1}}}},
         "actions":{"one":{"description":"d","input_schema":{"type":"object"},"output_schema":{"type":"object"}}},
         "polling_triggers":{"feed":{"description":"d","polling_interval":"1m","input_schema":{"type":"object"},"output_schema":{"type":"object"}}}}
        """;

    private static int s_ran;

    [Action("one")]
    private sealed class One : ActionHandler
    {
        public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref s_ran);
            return Task.FromResult<ActionOutcome>(ActionResult.From(new { }));
        }
    }

    [PollingTrigger("feed")]
    private sealed class Feed : PollingTriggerHandler
    {
        public override Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref s_ran);
            return Task.FromResult<IReadOnlyList<PollRecord>>([]);
        }
    }

    [CredentialsCheck]
    private sealed class DsnCheck : CredentialsCheckHandler
    {
        public override IEnumerable<FieldError> Check(ConnectorAuth auth)
        {
            if (auth.GetCredential("dsn") is { } dsn && !dsn.Contains('=', StringComparison.Ordinal))
            {
                yield return new FieldError("/dsn", "is not key=value pairs");
            }
        }
    }

    [CredentialsCheck]
    private sealed class OtherCheck : CredentialsCheckHandler
    {
        public override IEnumerable<FieldError> Check(ConnectorAuth auth) => [];
    }

    private static Connector Load() => Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(One), typeof(Feed), typeof(DsnCheck)]);

    private static ConnectorContext Context(Connector connector, string dsn) =>
        new(new FetchClient(), connector.CreateContextOptions(connector.ReadAuth(JsonSerializer.SerializeToElement(new { dsn }))));

    [Fact]
    public void Item5_ValidateAuth_RunsTheCheckAfterTheSchema()
    {
        Connector connector = Load();

        ValidationError error = Assert.Throws<ValidationError>(() => connector.ValidateAuth(connector.ReadAuth(JsonSerializer.SerializeToElement(new { dsn = "garbage" }))));

        Assert.Equal(ValidationTarget.Auth, error.Target);
        Assert.Equal("/dsn", Assert.Single(error.Errors).Path);
        connector.ValidateAuth(connector.ReadAuth(JsonSerializer.SerializeToElement(new { dsn = "host=db" })));
    }

    [Fact]
    public async Task Item5_ActionsAndPolls_WithCredentialsTheCheckRefuses_FailBeforeTheHandlerRuns()
    {
        Connector connector = Load();
        int before = Volatile.Read(ref s_ran);

        ValidationError action = await Assert.ThrowsAsync<ValidationError>(() => connector.ExecuteActionAsync("one", default, Context(connector, "garbage")));
        ValidationError poll = await Assert.ThrowsAsync<ValidationError>(() => connector.ExecutePollingTriggerAsync("feed", default, null, Context(connector, "garbage")));

        Assert.True(action.IsCallerError);
        Assert.True(poll.IsCallerError);
        Assert.Equal(before, Volatile.Read(ref s_ran));
    }

    [Fact]
    public void Item5_TwoChecks_IsAConfigurationErrorNamingBoth()
    {
        ConfigurationError error = Assert.Throws<ConfigurationError>(() =>
            Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(One), typeof(Feed), typeof(DsnCheck), typeof(OtherCheck)]));

        Assert.Contains(typeof(DsnCheck).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(OtherCheck).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Item5_CheckWithoutAuth_IsAConfigurationError()
    {
        string noAuth = Manifest.Replace("""
            "auth":{"type":"custom","fields":{"type":"object","required":["dsn"],"properties":{"dsn":{"type":"string","minLength":1}}}},
            """, string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("\"auth\"", noAuth, StringComparison.Ordinal);

        ConfigurationError error = Assert.Throws<ConfigurationError>(() =>
            Connector.Create(ConnectorManifest.Parse(noAuth), [typeof(One), typeof(Feed), typeof(DsnCheck)]));

        Assert.Equal("/auth", error.Path);
    }
}
