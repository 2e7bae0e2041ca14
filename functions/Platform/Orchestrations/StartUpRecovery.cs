using Microsoft.DurableTask.Client;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>
/// At start-up, starts the orchestrations a killed process may have left unstarted: a request answered 2xx committed its
/// record first, but the instance's start can be lost with the task hub's last writes. What to start is the feature's
/// (<see cref="RecoverAsync"/>, idempotent by natural instance id); when, and how often to try while the engine comes up,
/// is this class's.
/// </summary>
public abstract class StartUpRecovery(Orchestrations orchestrations, IHostApplicationLifetime lifetime, ILogger logger) : BackgroundService
{
    /// <summary>What the log calls the records looked at, e.g. "the plans' orchestrations".</summary>
    protected abstract string What { get; }

    /// <summary>Starts every instance that should run and may not; called once the sidecar answers.</summary>
    protected abstract Task RecoverAsync(DurableTaskClient client, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!orchestrations.Enabled)
        {
            return;
        }

        // The engine is a hosted service too: the client is touched only once every hosted service has started,
        // since reaching the sidecar while the engine starts left the engine half-started.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        for (var attempt = 1; attempt <= 10 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var client = orchestrations.Client;
                // Fails while the sidecar is not yet reachable, so the loop waits for it.
                await client.GetInstanceAsync(GetType().Name + "-readiness", stoppingToken);
                await RecoverAsync(client, stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The engine may still be starting: try again shortly.
                logger.LogWarning(e, "Checking {What} failed (attempt {Attempt}); trying again", What, attempt);
                await Task.Delay(TimeSpan.FromSeconds(3 * attempt), stoppingToken);
            }
        }
    }
}
