using Integration.Functions.Infrastructure.Topics;

namespace Integration.Functions.Platform.Records;

/// <summary>The platform's own functions that keep records durable: deadline wake-ups, the outbox sweep, housekeeping.</summary>
public static class DurableFunctions
{
    public const string DeadlineSubscription = "records";

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Topic("deadline-due", RecordStore.DeadlineTopic, DeadlineSubscription, (delivery, services, ct) =>
            services.GetRequiredService<DeadlineRouter>().HandleAsync(delivery.Message, ct), maxConcurrency: 4);

        // Publishes what a crash left between commit and publish, and redoes unfinished projections.
        functions.Timer("outbox-sweep", "%Durable:OutboxSweepSchedule%", async (_, services, ct) =>
        {
            await services.GetRequiredService<OutboxDispatcher>().SweepAsync(ct);
            await services.GetRequiredService<RecordStore>().ProjectPendingAsync(ct);
        });

        // Processed-message marks only need to outlive redelivery; a week is far beyond any lock or retry.
        functions.Timer("processed-messages-cleanup", "%Durable:CleanupSchedule%", async (_, services, ct) =>
            await services.GetRequiredService<IdempotentConsumer>().ForgetOlderThanAsync(TimeSpan.FromDays(7), ct));
    }

    public static TopicDefinition Topic() => new()
    {
        Name = RecordStore.DeadlineTopic,
        Subscriptions = [new SubscriptionDefinition { Name = DeadlineSubscription }],
    };
}

/// <summary>
/// At start-up, in the background so an unreachable store does not hold up the app: publishes any
/// outbox rows a crash left and recounts provisional deadlines on the calendar just loaded.
/// </summary>
public sealed class DurableStartup(OutboxDispatcher outbox, WorkingDayDeadlines deadlines, RecordStore records, ILogger<DurableStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var published = await outbox.SweepAsync(cancellationToken);
            var recounted = await deadlines.RecountProvisionalAsync(cancellationToken);
            var projected = await records.ProjectPendingAsync(cancellationToken);
            if (published + recounted + projected > 0)
            {
                logger.LogInformation("Start-up recovery: {Published} outbox messages published, {Recounted} provisional deadlines recounted, {Projected} projections redone", published, recounted, projected);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The app still starts: the periodic sweep retries, and health shows a store that cannot be reached.
            logger.LogError(e, "Start-up recovery failed; the outbox sweep timer will retry");
        }
    }
}
