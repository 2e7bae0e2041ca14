using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// Runs the registered topic-triggered functions: polls each subscription, runs up to MaxConcurrency handlers
/// at a time, completes on success and abandons on failure or shutdown. No message is ever dropped here: a
/// message this host cannot settle keeps its lock until the lock expires, and is then delivered again.
/// </summary>
public sealed class TopicConsumerHost(
    IEnumerable<TopicConsumerRegistration> registrations,
    SqliteTopicReceiver receiver,
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<TopicBusOptions> options,
    ILogger<TopicConsumerHost> logger) : BackgroundService
{
    // Whoever removes a message from this map settles it, so a handler and shutdown never settle the same message twice.
    private readonly ConcurrentDictionary<Guid, ReceivedMessage> locked = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(registrations.Select(registration => Task.Run(() => PumpAsync(registration, stoppingToken), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            // Only handlers that ignored cancellation beyond the shutdown timeout are left; release their
            // messages now rather than a whole lock duration later.
            foreach (var received in locked.Values)
            {
                await SettleAsync(received, receiver.AbandonAsync, "abandon");
            }
        }
    }

    private async Task PumpAsync(TopicConsumerRegistration registration, CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(registration.MaxConcurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (free < registration.MaxConcurrency && slots.Wait(0))
                {
                    free++;
                }

                var batch = await ReceiveOrNothingAsync(registration, free);
                if (batch.Count < free)
                {
                    slots.Release(free - batch.Count);
                }

                foreach (var received in batch)
                {
                    locked[received.LockToken] = received;
                    _ = Task.Run(() => HandleAsync(registration, received, slots, stoppingToken), CancellationToken.None);
                }

                // A full batch suggests more are waiting, so only a short batch waits before polling again.
                if (batch.Count < free)
                {
                    await Task.Delay(options.Value.PollInterval, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Holding every slot means every handler of this subscription has settled its message.
        for (var slot = 0; slot < registration.MaxConcurrency; slot++)
        {
            await slots.WaitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Never throws, so the slots taken for the batch are always given back. It is not cancelled either: a
    /// receive is short, and whatever it locks during shutdown is abandoned straight away.
    /// </summary>
    private async Task<IReadOnlyList<ReceivedMessage>> ReceiveOrNothingAsync(TopicConsumerRegistration registration, int maxMessages)
    {
        try
        {
            return await receiver.ReceiveAsync(registration.Topic, registration.Subscription, maxMessages, CancellationToken.None);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Receiving from {Topic}/{Subscription} failed; polling again shortly.", registration.Topic, registration.Subscription);
            return [];
        }
    }

    private async Task HandleAsync(TopicConsumerRegistration registration, ReceivedMessage received, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            if (stoppingToken.IsCancellationRequested)
            {
                await SettleAsync(received, receiver.AbandonAsync, "abandon");
                return;
            }

            await RunHandlerAsync(registration, received, stoppingToken);
            await SettleAsync(received, receiver.CompleteAsync, "complete");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down is not a handler failure, though the abandoned attempt still counts as a delivery.
            await SettleAsync(received, receiver.AbandonAsync, "abandon");
        }
        catch (Exception exception)
        {
            logger.LogWarning(
                exception,
                "Handler for {Topic}/{Subscription} failed on message {MessageId} (delivery {DeliveryCount}); abandoning it.",
                received.Topic, received.Subscription, received.Message.MessageId, received.DeliveryCount);
            await SettleAsync(received, receiver.AbandonAsync, "abandon");
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task RunHandlerAsync(TopicConsumerRegistration registration, ReceivedMessage received, CancellationToken stoppingToken)
    {
        using var handlerFinished = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = KeepLockAsync(received, handlerFinished.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = registration.ResolveHandler(scope.ServiceProvider);
            await handler(received.Message, received.DeliveryCount, stoppingToken);
        }
        finally
        {
            await handlerFinished.CancelAsync();
            await renewing;
        }
    }

    /// <summary>Renews the lock at half its duration while the handler runs, so a slow handler is not raced by a redelivery.</summary>
    private async Task KeepLockAsync(ReceivedMessage received, CancellationToken handlerFinished)
    {
        var interval = (received.LockedUntil - time.GetUtcNow()) / 2;
        var renewUntil = time.GetUtcNow() + options.Value.MaxAutoLockRenewalDuration;
        try
        {
            while (interval > TimeSpan.Zero && time.GetUtcNow() + interval < renewUntil)
            {
                await Task.Delay(interval, time, handlerFinished);
                await receiver.RenewLockAsync(received.LockToken, handlerFinished);
            }
        }
        catch (OperationCanceledException) when (handlerFinished.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Could not renew the lock on message {MessageId}; it may be delivered again.", received.Message.MessageId);
        }
    }

    private async Task SettleAsync(ReceivedMessage received, Func<Guid, CancellationToken, Task> settle, string action)
    {
        if (!locked.TryRemove(received.LockToken, out _))
        {
            return;
        }

        try
        {
            await settle(received.LockToken, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The lock expires on its own and the message is delivered again, so this is a warning, not a loss.
            logger.LogWarning(
                exception, "Could not {Action} message {MessageId} on {Topic}/{Subscription}; it will be delivered again.",
                action, received.Message.MessageId, received.Topic, received.Subscription);
        }
    }
}
