using System.Text.Json;

namespace Patchbay.Client;

/// <summary>What an action run answered: its data, or the error the action reported, and what it cost.</summary>
public sealed class ActionRunResult
{
    internal ActionRunResult(JsonElement raw)
    {
        Raw = raw;
        Type = raw.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : "action";
        JsonElement result = raw.TryGetProperty("result", out JsonElement r) ? r : default;
        if (result.ValueKind == JsonValueKind.Object)
        {
            if (result.TryGetProperty("data", out JsonElement data)) Data = data;
            if (result.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String) Error = message.GetString();
            if (result.TryGetProperty("cost_usd", out JsonElement cost) && cost.ValueKind == JsonValueKind.Number) CostUsd = cost.GetDecimal();
        }
    }

    /// <summary><c>action</c>, or <c>error</c> when the action reported an error.</summary>
    public string Type { get; }

    /// <summary>Whether the action reported an error (it ran, and said why it could not do the work).</summary>
    public bool IsError => Type == "error";

    /// <summary>The action's data (matches its output schema); undefined when <see cref="IsError"/>.</summary>
    public JsonElement Data { get; }

    /// <summary>The action's error message, when <see cref="IsError"/>.</summary>
    public string? Error { get; }

    /// <summary>What the run cost, for connectors that bill.</summary>
    public decimal? CostUsd { get; }

    /// <summary>The whole answer: <c>{"version","type","result"}</c>.</summary>
    public JsonElement Raw { get; }

    /// <summary>The data as <typeparamref name="T"/> (snake_case names map to PascalCase properties).</summary>
    /// <exception cref="PatchbayException">The action reported an error.</exception>
    public T GetData<T>() =>
        IsError
            ? throw new PatchbayException($"The action reported an error: {Error}")
            : Data.Deserialize<T>(ClientJson.Options)!;
}
