using Integration.Domain.Enforcement.Plans;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Enforcement;

/// <summary>
/// At start-up, starts the orchestration of every open plan that has none: a process killed between a plan's commit
/// and its orchestration's start leaves the plan without one. Starting is idempotent (instance id = plan id).
/// </summary>
public sealed class PlanOrchestrationRecovery(
    Orchestrations orchestrations, PlanIndex index, PlanProgress progress, IHostApplicationLifetime lifetime, ILogger<PlanOrchestrationRecovery> logger)
    : StartUpRecovery(orchestrations, lifetime, logger)
{
    protected override string What => "the plans' orchestrations";

    protected override async Task RecoverAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        await foreach (var plan in index.ReadAsync(PlanIndex.AllPartition, null, cancellationToken))
        {
            if (plan.Stage != PlanStage.Closed)
            {
                await progress.StartAsync(client, plan.PlanId, cancellationToken);
            }
        }
    }
}
