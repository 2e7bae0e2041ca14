using Integration.Functions.Platform.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>
/// Orchestrators and activities are written once against the portable SDK (<see cref="TaskOrchestrator{TInput, TOutput}"/>,
/// <see cref="TaskActivity{TInput, TOutput}"/>) and declared by a one-line static <c>[Function]</c> wrapper on the class
/// itself: the Functions host runs the wrapper (<c>[OrchestrationTrigger]</c>, <c>[ActivityTrigger]</c>), the local
/// Durable Task worker runs the class under the wrapper's function name. <see cref="FunctionIndex"/> holds the two together.
/// </summary>
public static class DurableTaskFunctions
{
    /// <summary>Registers the index's orchestrators and activities with a Durable Task worker, under their function names.</summary>
    public static void AddTasksTo(this FunctionIndex index, DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var orchestration in index.Orchestrations)
        {
            registry.AddOrchestrator(orchestration.Name, orchestration.Orchestrator);
        }

        foreach (var activity in index.Activities)
        {
            registry.AddActivity(activity.Name, activity.Activity);
        }
    }

    /// <summary>Runs an activity class for an <c>[ActivityTrigger]</c> wrapper, created with the invocation's services as the local worker does.</summary>
    public static Task<TOutput> RunActivity<TActivity, TInput, TOutput>(TInput input, FunctionContext context)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        ArgumentNullException.ThrowIfNull(context);
        var activity = ActivatorUtilities.CreateInstance<TActivity>(context.InstanceServices);
        var instanceId = context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? string.Empty : string.Empty;
        return activity.RunAsync(new FunctionActivityContext(new TaskName(context.FunctionDefinition.Name), instanceId), input);
    }

    private sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
