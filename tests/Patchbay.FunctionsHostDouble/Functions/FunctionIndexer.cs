using System.Text.Json;
using Patchbay.Testing.Functions.Rpc;

namespace Patchbay.Testing.Functions.Functions;

/// <summary>One binding of a function, from its raw JSON (the same JSON in worker metadata and in functions.metadata).</summary>
internal sealed record IndexedBinding(string Name, string Type, BindingInfo.Types.Direction Direction, BindingInfo.Types.DataType? DataType, JsonElement Raw)
{
    public bool IsTrigger => Direction == BindingInfo.Types.Direction.In && Type.EndsWith("trigger", StringComparison.OrdinalIgnoreCase);

    public string? GetString(string property) =>
        TryGet(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool GetBool(string property, bool defaultValue) =>
        !TryGet(property, out JsonElement value) ? defaultValue
        : value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out bool parsed) ? parsed
        : value.ValueKind == JsonValueKind.True || (value.ValueKind != JsonValueKind.False && defaultValue);

    public IReadOnlyList<string> GetStrings(string property) =>
        TryGet(property, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String).Select(item => item.GetString()!)]
            : [];

    // Binding JSON property names are matched case-insensitively, as the host's JObject reading does.
    private bool TryGet(string property, out JsonElement value)
    {
        foreach (JsonProperty candidate in Raw.EnumerateObject())
        {
            if (string.Equals(candidate.Name, property, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}

/// <summary>A function ready to load: its public descriptor plus what the FunctionLoadRequest needs.</summary>
internal sealed record IndexedFunction(FunctionDescriptor Descriptor, IndexedBinding Trigger, IReadOnlyList<IndexedBinding> Bindings, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The load request as GrpcWorkerChannel.GetFunctionLoadRequest builds it: type, direction and data type per binding.</summary>
    public FunctionLoadRequest ToLoadRequest()
    {
        var metadata = new RpcFunctionMetadata
        {
            Name = Descriptor.Name,
            Directory = string.Empty,
            EntryPoint = Descriptor.EntryPoint,
            ScriptFile = Descriptor.ScriptFile,
            IsProxy = false,
        };
        foreach (IndexedBinding binding in Bindings)
        {
            var info = new BindingInfo { Type = binding.Type, Direction = binding.Direction };
            if (binding.DataType is { } dataType)
            {
                info.DataType = dataType;
            }

            metadata.Bindings[binding.Name] = info;
        }

        foreach ((string key, string value) in Properties)
        {
            metadata.Properties[key] = value;
        }

        return new FunctionLoadRequest { FunctionId = Descriptor.FunctionId, Metadata = metadata };
    }
}

/// <summary>
/// Turns function metadata (the worker's FunctionMetadataResponse, or functions.metadata for the host's own indexing)
/// into functions: the trigger, the HTTP route under host.json's routePrefix, the timer schedule with %Setting%
/// resolved and checked. Errors name the function and say what to fix.
/// </summary>
internal sealed class FunctionIndexer(string routePrefix, AppSettingResolver resolver)
{
    public const string MetadataFileName = "functions.metadata";

    public IReadOnlyList<IndexedFunction> FromWorker(IEnumerable<RpcFunctionMetadata> functions) =>
        [.. functions.Select(metadata =>
        {
            if (metadata.Status is { Status: StatusResult.Types.Status.Failure } status)
            {
                throw new InvalidOperationException($"The worker could not index function '{metadata.Name}': {status.Exception?.Message ?? status.Result}");
            }

            return Index(
                metadata.Name,
                string.IsNullOrEmpty(metadata.FunctionId) ? Guid.NewGuid().ToString() : metadata.FunctionId,
                metadata.EntryPoint,
                metadata.ScriptFile,
                metadata.RawBindings,
                metadata.Properties);
        })];

    public IReadOnlyList<IndexedFunction> FromFile(string functionAppDirectory)
    {
        string path = Path.Combine(functionAppDirectory, MetadataFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"No {MetadataFileName} in '{functionAppDirectory}'. Build the worker project (the Worker SDK writes it), or set FunctionAppDirectory to its output.",
                path);
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{path} is not a JSON array of functions.");
        }

        var functions = new List<IndexedFunction>();
        foreach (JsonElement function in document.RootElement.EnumerateArray())
        {
            string name = Text(function, "name") ?? throw new InvalidDataException($"{path}: a function has no \"name\".");
            IEnumerable<string> bindings = function.TryGetProperty("bindings", out JsonElement array) && array.ValueKind == JsonValueKind.Array
                ? array.EnumerateArray().Select(binding => binding.GetRawText())
                : [];
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            if (function.TryGetProperty("properties", out JsonElement props) && props.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in props.EnumerateObject())
                {
                    properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            // The host gives functions from functions.metadata an id of its own.
            functions.Add(Index(name, Guid.NewGuid().ToString(), Text(function, "entryPoint") ?? string.Empty, Text(function, "scriptFile") ?? string.Empty, bindings, properties));
        }

        return functions;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IndexedBinding ParseBinding(string functionName, string raw)
    {
        JsonElement element;
        using (JsonDocument document = JsonDocument.Parse(raw))
        {
            element = document.RootElement.Clone();
        }

        var probe = new IndexedBinding(string.Empty, string.Empty, BindingInfo.Types.Direction.In, null, element);
        string name = probe.GetString("name") ?? throw new InvalidDataException($"Function '{functionName}' has a binding without a name: {raw}");
        string type = probe.GetString("type") ?? throw new InvalidDataException($"Function '{functionName}' has a binding without a type: {raw}");
        BindingInfo.Types.Direction direction = (probe.GetString("direction") ?? "in").ToUpperInvariant() switch
        {
            "IN" => BindingInfo.Types.Direction.In,
            "OUT" => BindingInfo.Types.Direction.Out,
            "INOUT" => BindingInfo.Types.Direction.Inout,
            string other => throw new InvalidDataException($"Function '{functionName}', binding '{name}': unknown direction '{other}'."),
        };
        BindingInfo.Types.DataType? dataType = probe.GetString("dataType")?.ToUpperInvariant() switch
        {
            null => null,
            "STRING" => BindingInfo.Types.DataType.String,
            "BINARY" => BindingInfo.Types.DataType.Binary,
            "STREAM" => BindingInfo.Types.DataType.Stream,
            _ => BindingInfo.Types.DataType.Undefined,
        };
        return probe with { Name = name, Type = type, Direction = direction, DataType = dataType };
    }

    private IndexedFunction Index(string name, string functionId, string entryPoint, string scriptFile, IEnumerable<string> rawBindings, IEnumerable<KeyValuePair<string, string>> properties)
    {
        string[] raw = [.. rawBindings];
        IndexedBinding[] bindings = [.. raw.Select(binding => ParseBinding(name, binding))];
        IndexedBinding[] triggers = [.. bindings.Where(binding => binding.IsTrigger)];
        if (triggers.Length != 1)
        {
            throw new InvalidDataException($"Function '{name}' has {triggers.Length} trigger bindings; a function has exactly one.");
        }

        IndexedBinding trigger = triggers[0];
        var descriptor = new FunctionDescriptor(name, functionId, entryPoint, scriptFile, trigger.Type, raw)
        {
            Http = string.Equals(trigger.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase) ? HttpTrigger(name, trigger) : null,
            Timer = string.Equals(trigger.Type, "timerTrigger", StringComparison.OrdinalIgnoreCase) ? TimerTrigger(name, trigger) : null,
            Queue = string.Equals(trigger.Type, "queueTrigger", StringComparison.OrdinalIgnoreCase) ? QueueTrigger(name, trigger) : null,
        };
        return new IndexedFunction(descriptor, trigger, bindings, properties.ToDictionary(StringComparer.Ordinal));
    }

    private HttpTriggerDescriptor HttpTrigger(string functionName, IndexedBinding trigger)
    {
        string route = trigger.GetString("route") is { Length: > 0 } declared ? declared.Trim('/') : functionName;
        string prefix = routePrefix.Trim('/');
        string template = prefix.Length == 0 ? route : $"{prefix}/{route}";
        string[] methods = [.. trigger.GetStrings("methods").Select(method => method.ToUpperInvariant()).Distinct(StringComparer.Ordinal)];
        return new HttpTriggerDescriptor(trigger.Name, route, template, methods, trigger.GetString("authLevel") ?? "Function");
    }

    private TimerTriggerDescriptor TimerTrigger(string functionName, IndexedBinding trigger)
    {
        string expression = trigger.GetString("schedule")
            ?? throw new InvalidDataException($"Timer function '{functionName}' has no schedule.");
        string schedule = resolver.ResolveWholeString(expression, $"the schedule of timer function '{functionName}'");
        TimerSchedule.Validate(schedule, functionName);
        return new TimerTriggerDescriptor(trigger.Name, expression, schedule, trigger.GetBool("runOnStartup", false), trigger.GetBool("useMonitor", true));
    }

    // The queue extension's indexing: %Setting% resolved in the queue name, the name checked (QueueClient naming rules),
    // the connection defaulting to AzureWebJobsStorage.
    private QueueTriggerDescriptor QueueTrigger(string functionName, IndexedBinding trigger)
    {
        string expression = trigger.GetString("queueName")
            ?? throw new InvalidDataException($"Queue function '{functionName}' has no queueName.");
        string queueName = resolver.ResolveWholeString(expression, $"the queue name of queue function '{functionName}'");
        if (!Queues.QueueNames.IsValid(queueName))
        {
            throw new ArgumentException(
                $"The queue name '{queueName}' of queue function '{functionName}' is not valid: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        string connection = trigger.GetString("connection") is { Length: > 0 } declared ? declared : Queues.QueueNames.DefaultConnection;
        return new QueueTriggerDescriptor(trigger.Name, expression, queueName, connection);
    }
}
