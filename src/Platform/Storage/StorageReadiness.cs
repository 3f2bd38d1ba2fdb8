using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Platform.Connections;
using Patchbay.Sdk;

namespace Patchbay.Platform.Storage;

/// <summary>
/// <c>GET /api/health/ready</c>: whether Patchbay can serve, i.e. its storage answers within <c>Patchbay__StorageTimeoutSeconds</c>.
/// <c>GET /api/health</c> stays liveness (the process answers) and never touches storage.
/// </summary>
public static class StorageReadiness
{
    /// <summary>Answers 200 when a table query returns in time; otherwise the <see cref="StorageUnavailableException"/> becomes a 503.</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer within the bound.</exception>
    public static async Task<Ok<ReadinessReport>> CheckAsync(StorageClients storage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        // Query Tables is allowed to the app's data-plane role and touches no row: the cheapest call that proves storage answers.
        string filter = TableServiceClient.CreateQueryFilter($"TableName eq {ConnectionStore.TableName}");
        await storage.Guard.RunAsync(async token =>
        {
            await foreach (var page in storage.Tables.QueryAsync(filter, maxPerPage: 1, cancellationToken: token).AsPages().WithCancellation(token))
            {
                return page.Values.Count;
            }

            return 0;
        }, cancellationToken);
        return TypedResults.Ok(new ReadinessReport("ready", "reachable", SdkInfo.Version));
    }
}

/// <summary>The answer of <c>GET /api/health/ready</c>.</summary>
public sealed record ReadinessReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("version")] string Version);
