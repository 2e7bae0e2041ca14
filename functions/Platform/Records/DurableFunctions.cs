using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Platform.Records;

/// <summary>The platform's own functions that keep records durable: deadline wake-ups and the outbox sweep.</summary>
public sealed class DurableFunctions(DeadlineSweep deadlines, OutboxDispatcher outbox, RecordStore records)
{
    /// <summary>Acts on the deadlines that have come due. A timer over the due-index rather than a topic trigger: timers exist on every host.</summary>
    [Function("deadline-sweep")]
    public async Task SweepDeadlines([TimerTrigger("%Durable:DeadlineSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await deadlines.RunAsync(cancellationToken);

    /// <summary>Writes out large transitions a crash cut short, publishes what a crash left between commit and publish, and redoes unfinished projections.</summary>
    [Function("outbox-sweep")]
    public async Task SweepOutbox([TimerTrigger("%Durable:OutboxSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        // Journals first: rolling one forward writes the outbox rows this sweep then publishes.
        await records.RollForwardPendingAsync(cancellationToken);
        await outbox.SweepAsync(cancellationToken);
        await records.ProjectPendingAsync(cancellationToken);
    }
}

/// <summary>
/// At start-up, in the background so an unreachable store does not hold up the app: publishes any
/// outbox rows a crash left, enters deadlines of older data in the due-index (once) and recounts
/// provisional deadlines on the calendar just loaded.
/// </summary>
public sealed class DurableStartup(OutboxDispatcher outbox, DeadlineIndexBackfill backfill, WorkingDayDeadlines deadlines, RecordStore records, ILogger<DurableStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var rolled = await records.RollForwardPendingAsync(cancellationToken);
            var published = await outbox.SweepAsync(cancellationToken);
            await backfill.RunOnceAsync(cancellationToken);
            var recounted = await deadlines.RecountProvisionalAsync(cancellationToken);
            var projected = await records.ProjectPendingAsync(cancellationToken);
            if (rolled + published + recounted + projected > 0)
            {
                logger.LogInformation("Start-up recovery: {Rolled} large transitions written out, {Published} outbox messages published, {Recounted} provisional deadlines recounted, {Projected} projections redone", rolled, published, recounted, projected);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The app still starts: the periodic sweep retries, and health shows a store that cannot be reached.
            logger.LogError(e, "Start-up recovery failed; the outbox sweep timer will retry");
        }
    }
}
