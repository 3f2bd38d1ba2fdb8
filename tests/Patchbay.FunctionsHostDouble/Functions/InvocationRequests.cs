using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Patchbay.Testing.Functions.Rpc;

namespace Patchbay.Testing.Functions.Functions;

/// <summary>
/// Builds InvocationRequests the way the host does (ScriptInvocationContextExtensions.ToRpcInvocationRequest and the
/// HTTP and timer triggers' binding data). Every request carries a TraceContext: the .NET worker requires one.
/// </summary>
internal static class InvocationRequests
{
    /// <summary>The worker wants route values inside the RpcHttp input (the .NET worker does not ask for it).</summary>
    public const string RequiresRouteParameters = "RequiresRouteParameters";

    /// <summary>The worker wants RpcHttp's nullable maps instead of the plain ones.</summary>
    public const string UseNullableValueDictionaryForHttp = "UseNullableValueDictionaryForHttp";

    /// <summary>The worker does not want the request itself repeated in the trigger metadata.</summary>
    public const string RpcHttpTriggerMetadataRemoved = "RpcHttpTriggerMetadataRemoved";

    /// <summary>
    /// A timer invocation: the TimerInfo JSON as the host serializes it (no schedule status: the double keeps none)
    /// and the timer trigger's binding data.
    /// </summary>
    public static InvocationRequest Timer(IndexedFunction function, string invocationId, bool isPastDue)
    {
        string timerInfo = $$"""{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":{{(isPastDue ? "true" : "false")}}}""";
        InvocationRequest request = New(function, invocationId, NewTraceParent());
        request.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = new TypedData { Json = timerInfo } });

        // TimerTriggerBinding's binding data: the time of the tick, as a string.
        request.TriggerMetadata["TimerTrigger"] = new TypedData { String = DateTime.Now.ToString(CultureInfo.InvariantCulture) };
        return request;
    }

    /// <summary>
    /// A queue invocation as the Storage Queues extension and the host's WorkerFunctionInvoker make it: the message text
    /// as the trigger input (bytes when the binding's dataType is binary); the trigger metadata the extension's binding
    /// data holds (<c>QueueTrigger</c>, <c>DequeueCount</c>, <c>Id</c>, <c>PopReceipt</c>, <c>InsertionTime</c>,
    /// <c>ExpirationTime</c>, <c>NextVisibleTime</c>, converted as the host's ToRpc does: strings as strings, the rest as
    /// JSON), plus, when the text is a JSON object, its top-level properties under names not already taken (the host's
    /// ApplyBindingData).
    /// </summary>
    public static InvocationRequest Queue(IndexedFunction function, string invocationId, Azure.Storage.Queues.Models.QueueMessage message, string text)
    {
        InvocationRequest request = New(function, invocationId, NewTraceParent());
        TypedData input = function.Trigger.DataType is BindingInfo.Types.DataType.Binary or BindingInfo.Types.DataType.Stream
            ? new TypedData { Bytes = Google.Protobuf.ByteString.CopyFromUtf8(text) }
            : new TypedData { String = text };
        request.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = input });

        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase)
        {
            ["QueueTrigger"] = new TypedData { String = text },
            ["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) },
            ["Id"] = new TypedData { String = message.MessageId },
            ["PopReceipt"] = new TypedData { String = message.PopReceipt },
        };
        AddTime(metadata, "InsertionTime", message.InsertedOn);
        AddTime(metadata, "ExpirationTime", message.ExpiresOn);
        AddTime(metadata, "NextVisibleTime", message.NextVisibleOn);
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    metadata.TryAdd(property.Name, property.Value.ValueKind == JsonValueKind.String
                        ? new TypedData { String = property.Value.GetString() }
                        : new TypedData { Json = property.Value.GetRawText() });
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: no properties to add, as for the host.
        }

        foreach ((string name, TypedData value) in metadata)
        {
            request.TriggerMetadata[name] = value;
        }

        return request;

        static void AddTime(Dictionary<string, TypedData> metadata, string name, DateTimeOffset? value)
        {
            if (value is { } time)
            {
                metadata[name] = new TypedData { Json = JsonSerializer.Serialize(time) };
            }
        }
    }

    /// <summary>
    /// An HTTP invocation under the ASP.NET Core integration (the worker advertised HttpUri): the request itself goes
    /// to the worker over HTTP, so the RpcHttp input is empty (route values only if the worker asks for them); the
    /// trigger metadata holds the HTTP trigger's binding data: query parameters (but <c>code</c>), route values,
    /// <c>Query</c> and <c>Headers</c>. Binding data from a JSON body's properties is not included.
    /// </summary>
    public static InvocationRequest Http(IndexedFunction function, string invocationId, HttpRequest request, IReadOnlyDictionary<string, string> capabilities)
    {
        InvocationRequest invocation = New(function, invocationId, TraceParentOf(request));
        Dictionary<string, string> routeValues = request.RouteValues
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.Key, pair => Convert.ToString(pair.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.OrdinalIgnoreCase);

        var http = new RpcHttp();
        if (capabilities.ContainsKey(RequiresRouteParameters))
        {
            bool nullable = capabilities.ContainsKey(UseNullableValueDictionaryForHttp);
            foreach ((string name, string value) in routeValues)
            {
                if (nullable)
                {
                    http.NullableParams[name] = new NullableString { Value = value };
                }
                else
                {
                    http.Params[name] = value;
                }
            }
        }

        var input = new TypedData { Http = http };
        invocation.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = input });

        // HttpTriggerAttributeBindingProvider.GetRequestBindingData: query values, then route values over them, then
        // Query and Headers unless a value already took the name.
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase);
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in request.Query)
        {
            query[name] = values.ToString();
            if (!string.Equals(name, "code", StringComparison.OrdinalIgnoreCase))
            {
                metadata[name] = new TypedData { String = values.ToString() };
            }
        }

        foreach ((string name, string value) in routeValues)
        {
            metadata[name] = new TypedData { String = value };
        }

        metadata.TryAdd("Query", new TypedData { Json = JsonSerializer.Serialize(query) });
        metadata.TryAdd("Headers", new TypedData { Json = JsonSerializer.Serialize(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)) });
        if (!capabilities.ContainsKey(RpcHttpTriggerMetadataRemoved))
        {
            metadata.TryAdd("$request", input);
            metadata.TryAdd(function.Trigger.Name, input);
        }

        foreach ((string name, TypedData value) in metadata)
        {
            invocation.TriggerMetadata[name] = value;
        }

        return invocation;
    }

    private static InvocationRequest New(IndexedFunction function, string invocationId, string traceParent) => new()
    {
        FunctionId = function.Descriptor.FunctionId,
        InvocationId = invocationId,
        TraceContext = new RpcTraceContext { TraceParent = traceParent, TraceState = string.Empty },
    };

    // The host's Activity id: the caller's W3C traceparent when it sent one, else a new trace.
    private static string TraceParentOf(HttpRequest request) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id
        : request.Headers.TryGetValue("traceparent", out Microsoft.Extensions.Primitives.StringValues header) && header.ToString().Length == 55 ? header.ToString()
        : NewTraceParent();

    private static string NewTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id
        : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00";
}
