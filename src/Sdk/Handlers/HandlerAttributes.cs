namespace Patchbay.Sdk;

/// <summary>Registers an <see cref="ActionHandler"/> for the manifest action of this name.</summary>
/// <example><code>[Action("list_items")] public sealed class ListItems : ActionHandler { ... }</code></example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActionAttribute(string name) : Attribute
{
    /// <summary>The action's key in the manifest's <c>actions</c>.</summary>
    public string Name { get; } = name;
}

/// <summary>Registers a <see cref="PollingTriggerHandler"/> for the manifest trigger of this name.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PollingTriggerAttribute(string name) : Attribute
{
    /// <summary>The trigger's key in the manifest's <c>polling_triggers</c>.</summary>
    public string Name { get; } = name;
}

/// <summary>Registers the connector's <see cref="ConnectedAccountHandler"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConnectedAccountAttribute : Attribute;

/// <summary>Registers the connector's <see cref="CredentialsCheckHandler"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CredentialsCheckAttribute : Attribute;
