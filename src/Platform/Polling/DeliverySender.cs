using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Platform.Polling;

/// <summary>
/// Sends one delivery to a webhook or a queue and says whether it arrived. Never throws for a failed delivery:
/// the poller keeps the record in the outbox and tries again later.
/// </summary>
/// <remarks>
/// Webhooks get a POST with the JSON body and <c>X-Patchbay-Event-Id</c>, <c>X-Patchbay-Timestamp</c> and
/// <c>X-Patchbay-Signature</c>; any 2xx is delivered. The client is its own (not the connectors' FetchClient: no
/// retries, redirects are not followed, 10 s timeout) but its handler comes from the same network guard
/// (<see cref="PatchbayOptions.CreateNetworkGuard"/>): never link-local or metadata addresses, loopback, private and
/// other non-global ranges only with <c>Patchbay__AllowPrivateNetworks</c>, no system proxy (HTTP_PROXY), and
/// <c>Patchbay__OutboundProxy</c> only after the webhook's own addresses passed the guard.
/// Queues get the body base64-encoded, which is what an Azure Functions queue trigger reads by default.
/// </remarks>
public class DeliverySender : IDisposable
{
    /// <summary>Azure Storage's limit for one queue message, in characters of its (base64) text.</summary>
    public const int MaxQueueMessageChars = 64 * 1024;

    private readonly HttpClient _http;
    private readonly QueueServiceClient _queues;
    private readonly TimeSpan _storageTimeout;
    private readonly TimeProvider _time;
    private readonly NetworkGuard _network = NetworkGuard.Default;
    private readonly ConcurrentDictionary<string, bool> _createdQueues = new(StringComparer.Ordinal);

    public DeliverySender(StorageClients storage, IOptions<PatchbayOptions> options, TimeProvider time)
    {
        _queues = storage.Queues;
        _storageTimeout = storage.Guard.Timeout;
        _time = time;
        _network = options.Value.CreateNetworkGuard();
        HttpMessageHandler handler = _network.CreateHandler(static sockets =>
        {
            sockets.UseCookies = false;
            sockets.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
        });
        _http = new HttpClient(handler) { Timeout = PollingConstants.WebhookTimeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Patchbay", typeof(DeliverySender).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    protected DeliverySender()
    {
        _http = null!;
        _queues = null!;
        _time = TimeProvider.System;
    }

    /// <summary>Delivers <paramref name="body"/>; <paramref name="signingSecret"/> is read only for webhooks.</summary>
    public virtual async Task<DeliveryResult> DeliverAsync(SubscriptionDestination destination, Func<string> signingSecret, string eventId, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(signingSecret);
        ArgumentNullException.ThrowIfNull(body);
        return destination.Type == SubscriptionDestination.Webhook
            ? await PostAsync(destination.Url!, signingSecret(), eventId, body, cancellationToken)
            : await EnqueueAsync(destination.Name!, body, cancellationToken);
    }

    public void Dispose()
    {
        _http?.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<DeliveryResult> PostAsync(string url, string secret, string eventId, byte[] body, CancellationToken cancellationToken)
    {
        long timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(DeliveryFormat.EventIdHeader, eventId);
        request.Headers.Add(DeliveryFormat.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeliveryFormat.SignatureHeader, DeliveryFormat.Signature(secret, timestamp, body));
        try
        {
            _network.ThrowIfRefused(request.RequestUri!);
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            int status = (int)response.StatusCode;
            return status is >= 200 and < 300
                ? DeliveryResult.Delivered
                : DeliveryResult.Failed($"The webhook answered HTTP {status} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed($"The webhook did not answer within {PollingConstants.WebhookTimeout.TotalSeconds:0} s");
        }
        catch (FetchBlockedException ex)
        {
            return DeliveryResult.Failed("The webhook address is not allowed: " + ex.Message);
        }
        catch (HttpRequestException ex) when (ex.InnerException is FetchBlockedException blocked)
        {
            return DeliveryResult.Failed("The webhook address is not allowed: " + blocked.Message);
        }
        catch (HttpRequestException ex)
        {
            return DeliveryResult.Failed("The webhook could not be reached: " + ex.Message);
        }
    }

    private async Task<DeliveryResult> EnqueueAsync(string name, byte[] body, CancellationToken cancellationToken)
    {
        string message = Convert.ToBase64String(body);
        if (message.Length > MaxQueueMessageChars)
        {
            return DeliveryResult.Failed($"The delivery is {body.Length} bytes; a queue message holds at most 48 KiB once base64-encoded");
        }

        // Bounded like every other storage call (Patchbay__StorageTimeoutSeconds), so a frozen queue service cannot hold the tick.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_storageTimeout);
        try
        {
            QueueClient queue = _queues.GetQueueClient(name);
            if (!_createdQueues.ContainsKey(name))
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: bound.Token);
                _createdQueues[name] = true;
            }

            await queue.SendMessageAsync(message, bound.Token);
            return DeliveryResult.Delivered;
        }
        catch (RequestFailedException ex) when (ex.Status > 0)
        {
            _createdQueues.TryRemove(name, out _);
            return DeliveryResult.Failed($"The queue '{name}' refused the message: {ex.Status} {ex.ErrorCode}");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (bound.IsCancellationRequested || StorageGuard.IsUnreachable(ex)))
        {
            _createdQueues.TryRemove(name, out _);
            return DeliveryResult.Failed(bound.IsCancellationRequested
                ? $"The queue service did not answer within {_storageTimeout.TotalSeconds:0} s"
                : $"The queue service could not be reached: {ex.GetType().Name}");
        }
    }
}

/// <summary>Whether a delivery arrived, and why not.</summary>
public readonly record struct DeliveryResult(bool Success, string? Error)
{
    public static DeliveryResult Delivered => new(true, null);

    public static DeliveryResult Failed(string error) => new(false, error);
}
