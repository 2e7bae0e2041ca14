namespace Integration.Functions.Platform.Records;

/// <summary>The platform's own functions that keep records durable: deadline wake-ups, the outbox sweep, housekeeping.</summary>
public static class DurableFunctions
{
    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);

        // A timer over the due-index rather than a topic trigger: timers exist on every host.
        functions.Timer("deadline-sweep", "%Durable:DeadlineSweepSchedule%", async (_, services, ct) =>
            await services.GetRequiredService<DeadlineSweep>().RunAsync(ct));

        // Publishes what a crash left between commit and publish.
        functions.Timer("outbox-sweep", "%Durable:OutboxSweepSchedule%", async (_, services, ct) =>
            await services.GetRequiredService<OutboxDispatcher>().SweepAsync(ct));
    }
}

/// <summary>
/// At start-up, in the background so an unreachable store does not hold up the app: publishes any
/// outbox rows a crash left, enters deadlines of older data in the due-index (once) and recounts
/// provisional deadlines on the calendar just loaded.
/// </summary>
public sealed class DurableStartup(OutboxDispatcher outbox, DeadlineIndexBackfill backfill, WorkingDayDeadlines deadlines, ILogger<DurableStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var published = await outbox.SweepAsync(cancellationToken);
            await backfill.RunOnceAsync(cancellationToken);
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
