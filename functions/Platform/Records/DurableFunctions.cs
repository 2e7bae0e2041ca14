using Integration.Functions.Infrastructure.Topics;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Platform.Records;

/// <summary>
/// The platform's own functions that keep records durable: the outbox sweep and housekeeping.
/// Deadline wake-ups (<c>deadline-due</c>) are not a function: see <see cref="DeadlineWakeUps"/>.
/// </summary>
public sealed class DurableFunctions(OutboxDispatcher outbox, IdempotentConsumer processed)
{
    public const string DeadlineSubscription = "records";

    /// <summary>Publishes what a crash left between commit and publish.</summary>
    [Function("outbox-sweep")]
    public async Task SweepOutbox([TimerTrigger("%Durable:OutboxSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await outbox.SweepAsync(cancellationToken);

    /// <summary>Processed-message marks only need to outlive redelivery; a week is far beyond any lock or retry.</summary>
    [Function("processed-messages-cleanup")]
    public async Task CleanUpProcessedMessages([TimerTrigger("%Durable:CleanupSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await processed.ForgetOlderThanAsync(TimeSpan.FromDays(7), cancellationToken);

    public static TopicDefinition Topic() => new()
    {
        Name = RecordStore.DeadlineTopic,
        Subscriptions = [new SubscriptionDefinition { Name = DeadlineSubscription }],
    };
}

/// <summary>
/// <c>deadline-due</c>: record deadlines come due as scheduled messages on the internal <c>deadlines</c>
/// topic, which <see cref="DeadlineRouter"/> hands to the deadline's handler. It is a hosted consumer of
/// the embedded bus, outside the function list, because the worker cannot declare a Service Bus trigger
/// (the extension is not available); the deadline-sweep timer replaces it.
/// <c>Functions:deadline-due:MaxConcurrency</c> (default 4) sets how many wake-ups run at once.
/// </summary>
public static class DeadlineWakeUps
{
    public const string Name = "deadline-due";

    public static IServiceCollection AddDeadlineWakeUps(this IServiceCollection services, IConfiguration configuration)
    {
        var concurrency = configuration.GetValue($"Functions:{Name}:MaxConcurrency", 4);
        return services.AddTopicConsumer(RecordStore.DeadlineTopic, DurableFunctions.DeadlineSubscription, concurrency, scope =>
            (message, _, cancellationToken) => scope.GetRequiredService<DeadlineRouter>().HandleAsync(message, cancellationToken));
    }
}

/// <summary>
/// At start-up, in the background so an unreachable store does not hold up the app: publishes any
/// outbox rows a crash left and recounts provisional deadlines on the calendar just loaded.
/// </summary>
public sealed class DurableStartup(OutboxDispatcher outbox, WorkingDayDeadlines deadlines, ILogger<DurableStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var published = await outbox.SweepAsync(cancellationToken);
            var recounted = await deadlines.RecountProvisionalAsync(cancellationToken);
            if (published + recounted > 0)
            {
                logger.LogInformation("Start-up recovery: {Published} outbox messages published, {Recounted} provisional deadlines recounted", published, recounted);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The app still starts: the periodic sweep retries, and health shows a store that cannot be reached.
            logger.LogError(e, "Start-up recovery failed; the outbox sweep timer will retry");
        }
    }
}
