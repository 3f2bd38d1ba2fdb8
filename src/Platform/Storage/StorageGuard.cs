using System.Net.Sockets;
using Azure;
using Azure.Data.Tables;

namespace Patchbay.Platform.Storage;

/// <summary>
/// Every call Patchbay makes to its own tables goes through here:
/// <list type="bullet">
/// <item>it is bounded: the call, its SDK retries included, ends after <see cref="Timeout"/>
/// (<c>Patchbay__StorageTimeoutSeconds</c>), so a frozen storage server cannot hold a request or a tick;</item>
/// <item>a missing table (storage restarted empty, or a table deleted by hand) is created and the call is made once more;</item>
/// <item>storage that cannot be reached, answers 5xx or runs out of time becomes a <see cref="StorageUnavailableException"/>
/// (503 with <c>Retry-After</c>), never a bare 500.</item>
/// </list>
/// </summary>
public sealed class StorageGuard
{
    /// <summary>What a 503 asks callers to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The default bound, as <c>Patchbay__StorageTimeoutSeconds</c> defaults.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger? _logger;

    public StorageGuard(TimeSpan timeout, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Timeout = timeout;
        _logger = logger;
    }

    /// <summary>The longest one storage call may take, retries included.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Runs one call against <paramref name="table"/>: bounded, the table created again when it is missing, faults mapped.</summary>
    /// <exception cref="StorageUnavailableException">Storage could not be reached, answered 5xx, or did not answer within <see cref="Timeout"/>.</exception>
    public async Task<T> RunAsync<T>(TableClient table, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(operation);
        return await RunAsync(async token =>
        {
            try
            {
                return await operation(token);
            }
            catch (RequestFailedException ex) when (IsTableNotFound(ex))
            {
                await RecreateAsync(table, token);
                return await operation(token);
            }
        }, cancellationToken);
    }

    /// <inheritdoc cref="RunAsync{T}(TableClient, Func{CancellationToken, Task{T}}, CancellationToken)"/>
    public Task RunAsync(TableClient table, Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(table, async token =>
        {
            await operation(token);
            return true;
        }, cancellationToken);
    }

    /// <summary>Runs one storage call that needs no particular table (e.g. the readiness check): bounded, faults mapped.</summary>
    /// <exception cref="StorageUnavailableException">Storage could not be reached, answered 5xx, or did not answer within <see cref="Timeout"/>.</exception>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Timeout);
        try
        {
            return await operation(bound.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (bound.IsCancellationRequested || IsUnreachable(ex)))
        {
            string why = bound.IsCancellationRequested && ex is OperationCanceledException
                ? $"it did not answer within {Timeout.TotalSeconds:0} s ({Hosting.SettingNames.StorageTimeoutSeconds})"
                : $"the last attempt failed with: {Describe(ex)}";
            throw new StorageUnavailableException(
                $"Patchbay's storage is unreachable: {why}. Retry after {RetryAfter.TotalSeconds:0} s; if it lasts, check that the storage account " +
                $"({Hosting.SettingNames.Storage}; Azurite when running locally) is up and reachable.", ex);
        }
    }

    /// <summary>Whether <paramref name="exception"/> says the table does not exist (not a missing row, which is also a 404).</summary>
    public static bool IsTableNotFound(RequestFailedException exception) =>
        exception is { Status: 404, ErrorCode: "TableNotFound" };

    /// <summary>Whether <paramref name="exception"/> means storage could not answer (network, timeout, 408, 5xx), after the SDK's retries.</summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or >= 500,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    private async Task RecreateAsync(TableClient table, CancellationToken cancellationToken)
    {
        _logger?.LogWarning("Table {Table} does not exist (storage restarted empty, or the table was deleted); creating it and trying once more", table.Name);
        try
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Azure keeps a deleted table's name for about a minute (TableBeingDeleted).
            throw new StorageUnavailableException(
                $"Patchbay's storage is unavailable: table '{table.Name}' was deleted and storage does not let it be created again yet ({ex.ErrorCode}). " +
                $"Retry after {RetryAfter.TotalSeconds:0} s; it takes about a minute.", ex);
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]),
        RequestFailedException { Status: > 0 } failed => $"HTTP {failed.Status} {failed.ErrorCode}".TrimEnd(),
        RequestFailedException { InnerException: { } inner } => Describe(inner),
        _ => FirstLine(exception.Message),
    };

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        string line = (end < 0 ? text : text[..end]).TrimEnd('.', ' ');
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}

/// <summary>Patchbay's own storage could not be reached in time; the request answers 503 with <c>Retry-After</c>.</summary>
public sealed class StorageUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
