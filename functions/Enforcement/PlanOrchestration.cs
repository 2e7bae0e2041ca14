using Integration.Domain.Enforcement.Plans;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Enforcement;

/// <summary>Where a plan stands, as its orchestration sees it: the stage, whether it is over, and when it must wake next.</summary>
public sealed record PlanStatus(string PlanId, string Stage, bool Finished, DateTimeOffset? NextDueAt, long Version);

/// <summary>
/// One orchestration per plan (instance id = plan id): it follows the plan's stages. After each commit that moves the
/// plan on, the service raises <see cref="StageChangedEvent"/>; between events it sleeps on a durable timer until the
/// plan's next deadline, then fires the deadlines due in an activity. The record is the plan's truth, and each deadline
/// fires once (its generation is checked on commit) whichever of this timer and the <c>deadline-sweep</c> comes
/// first; so an orchestration that lost an event or a process killed mid-wait loses nothing.
/// </summary>
public sealed class PlanOrchestration : TaskOrchestrator<string, string>
{
    public const string Name = "enforcement-plan";
    public const string StageChangedEvent = "stage-changed";

    /// <summary>A plan with no deadline pending is still looked at daily; long waits are also split by the engine.</summary>
    public static readonly TimeSpan LongestSleep = TimeSpan.FromDays(1);

    /// <summary>After this many wake-ups the instance continues as new, so its history stays short over a plan of weeks.</summary>
    public const int WakeUpsPerGeneration = 50;

    [Function(Name)]
    public static Task<string> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PlanOrchestration().RunAsync(context, context.GetInput<string>()!);
    }

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        for (var wakeUp = 0; wakeUp < WakeUpsPerGeneration; wakeUp++)
        {
            var status = await context.CallActivityAsync<PlanStatus>(PlanStatusActivity.Name, input);
            context.SetCustomStatus(status);
            if (status.Finished)
            {
                return status.Stage;
            }

            var latest = context.CurrentUtcDateTime.Add(LongestSleep);
            var wakeAt = status.NextDueAt is { } due && due.UtcDateTime < latest ? due.UtcDateTime : latest;
            var race = await context.WaitForEventOrTimerAsync<long>(StageChangedEvent, wakeAt);
            if (!race.EventWon)
            {
                await context.CallActivityAsync<int>(PlanDeadlinesActivity.Name, input);
            }
        }

        // Events raised while the instance restarts are kept for the next generation.
        context.ContinueAsNew(input, preserveUnprocessedEvents: true);
        return "continued";
    }
}

/// <summary>Reads the plan's stage and next deadline for its orchestration.</summary>
public sealed class PlanStatusActivity(PlanService plans) : TaskActivity<string, PlanStatus>
{
    public const string Name = "enforcement-plan-status";

    [Function(Name)]
    public static Task<PlanStatus> Run([ActivityTrigger] string input, FunctionContext context) =>
        DurableTaskFunctions.RunActivity<PlanStatusActivity, string, PlanStatus>(input, context);

    public override async Task<PlanStatus> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await plans.GetAsync(input, CancellationToken.None) is not { } record)
        {
            // A plan that does not exist has nothing to follow (an instance started by hand with a wrong id).
            return new PlanStatus(input, "missing", true, null, 0);
        }

        var stage = record.State.Stage;
        return new PlanStatus(input, PlanNames.Of(stage), stage == PlanStage.Closed, PlanService.NextDue(record), record.Version);
    }
}

/// <summary>The timer path: fires the plan's deadlines that are due, through the same transition as the sweep.</summary>
public sealed class PlanDeadlinesActivity(PlanService plans) : TaskActivity<string, int>
{
    public const string Name = "enforcement-plan-deadlines";

    [Function(Name)]
    public static Task<int> Run([ActivityTrigger] string input, FunctionContext context) =>
        DurableTaskFunctions.RunActivity<PlanDeadlinesActivity, string, int>(input, context);

    public override Task<int> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return plans.FireDueAsync(input, CancellationToken.None);
    }
}

/// <summary>
/// Starts a plan's orchestration and tells it when the plan moved on. Both are best effort after the commit: the
/// record and its deadlines carry the plan even when the engine is off or unreachable, and a repeated create or the
/// start-up check starts a missing instance.
/// </summary>
public sealed class PlanProgress(ILogger<PlanProgress> logger)
{
    public async Task StartAsync(DurableTaskClient? client, string planId, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            logger.LogWarning("The Durable Task engine is off: plan {PlanId} runs on its record deadlines alone, without its orchestration", planId);
            return;
        }

        try
        {
            if (await client.GetInstanceAsync(planId, cancellationToken) is not null)
            {
                return;
            }

            await client.ScheduleNewOrchestrationInstanceAsync(PlanOrchestration.Name, planId, new StartOrchestrationOptions { InstanceId = planId }, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Starting the orchestration of plan {PlanId} failed; it is started again at the next start-up", planId);
        }
    }

    public async Task StageChangedAsync(DurableTaskClient? client, string planId, long version, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return;
        }

        try
        {
            await client.RaiseEventAsync(planId, PlanOrchestration.StageChangedEvent, version, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The orchestration wakes at its next deadline anyway and reads the plan afresh.
            logger.LogWarning(e, "Telling the orchestration of plan {PlanId} about version {Version} failed", planId, version);
        }

        _ = cancellationToken;
    }
}
