using Integration.Domain.Enforcement.Plans;
using Integration.Functions.Platform.Orchestrations;

namespace Integration.Functions.Enforcement;

/// <summary>
/// At start-up, starts the orchestration of every open plan that has none: a process killed between a plan's commit
/// and its orchestration's start leaves the plan without one. Starting is idempotent (instance id = plan id).
/// </summary>
public sealed class PlanOrchestrationRecovery(
    Orchestrations orchestrations, PlanIndex index, PlanProgress progress, IHostApplicationLifetime lifetime, ILogger<PlanOrchestrationRecovery> logger) : BackgroundService
{
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
                await client.GetInstanceAsync(PlanOrchestration.Name + "-readiness", stoppingToken);
                await foreach (var plan in index.ReadAsync(PlanIndex.AllPartition, null, stoppingToken))
                {
                    if (plan.Stage != PlanStage.Closed)
                    {
                        await progress.StartAsync(client, plan.PlanId, stoppingToken);
                    }
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The engine may still be starting: try again shortly.
                logger.LogWarning(e, "Checking the plans' orchestrations failed (attempt {Attempt}); trying again", attempt);
                await Task.Delay(TimeSpan.FromSeconds(3 * attempt), stoppingToken);
            }
        }
    }
}
