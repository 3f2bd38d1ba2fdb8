using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Client;

/// <summary>One action of a connector: what it does, its schemas and tags, and inputs to fill before running it.</summary>
public sealed class PatchbayAction
{
    internal PatchbayAction(string connector, ActionDefinition definition)
    {
        Connector = connector;
        Definition = definition;
        Inputs = new ActionInputs(definition, $"Action '{connector}.{definition.Name}'");
    }

    /// <summary>The connector's id.</summary>
    public string Connector { get; }

    /// <summary>The action's name, as in the manifest.</summary>
    public string Name => Definition.Name;

    /// <summary>A human-readable name.</summary>
    public string DisplayName => Definition.DisplayName;

    /// <summary>What the action does.</summary>
    public string Description => Definition.Description;

    /// <summary>The action's tags, e.g. <c>read</c> or <c>write</c>.</summary>
    public IReadOnlyList<string> Tags => Definition.Tags;

    /// <summary>The JSON Schema of its inputs.</summary>
    public JsonElement InputSchema => Definition.InputSchema;

    /// <summary>The JSON Schema of its result data.</summary>
    public JsonElement OutputSchema => Definition.OutputSchema;

    /// <summary>The inputs the next run sends; start from the manifest's defaults.</summary>
    public ActionInputs Inputs { get; }

    internal ActionDefinition Definition { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Connector}.{Name}";
}

/// <summary>One polling trigger of a connector.</summary>
public sealed class PatchbayTrigger
{
    internal PatchbayTrigger(string connector, PollingTriggerDefinition definition)
    {
        Connector = connector;
        Definition = definition;
        Inputs = new ActionInputs(definition, $"Trigger '{connector}.{definition.Name}'");
    }

    /// <summary>The connector's id.</summary>
    public string Connector { get; }

    /// <summary>The trigger's name.</summary>
    public string Name => Definition.Name;

    /// <summary>A human-readable name.</summary>
    public string DisplayName => Definition.DisplayName;

    /// <summary>What it watches.</summary>
    public string Description => Definition.Description;

    /// <summary>How often a subscription polls it.</summary>
    public TimeSpan PollingInterval => Definition.PollingInterval;

    /// <summary>The JSON Schema of its inputs.</summary>
    public JsonElement InputSchema => Definition.InputSchema;

    /// <summary>The inputs a subscription or poll sends; start from the manifest's defaults.</summary>
    public ActionInputs Inputs { get; }

    internal PollingTriggerDefinition Definition { get; }
}
