using Microsoft.DurableTask;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>
/// An orchestrator, written once against the portable SDK (<see cref="TaskOrchestrator{TInput, TOutput}"/>). Locally the
/// worker runs it under <see cref="FunctionDefinition.Name"/>; on Azure a one-line <c>[Function]</c> with an
/// <c>[OrchestrationTrigger]</c> of the same name calls the same class.
/// </summary>
public sealed record OrchestrationFunction(string Name, Type Orchestrator) : FunctionDefinition(Name)
{
    public override string Trigger => $"orchestration {Orchestrator.Name}";
}

/// <summary>An activity (<see cref="TaskActivity{TInput, TOutput}"/>), created per call with the app's services.</summary>
public sealed record ActivityFunction(string Name, Type Activity) : FunctionDefinition(Name)
{
    public override string Trigger => $"activity {Activity.Name}";
}

public static class OrchestrationCatalogueExtensions
{
    public static OrchestrationFunction Orchestration<TOrchestrator>(this FunctionCatalogue functions, string name)
        where TOrchestrator : ITaskOrchestrator
    {
        ArgumentNullException.ThrowIfNull(functions);
        var function = new OrchestrationFunction(name, typeof(TOrchestrator));
        functions.Add(function);
        return function;
    }

    public static ActivityFunction Activity<TActivity>(this FunctionCatalogue functions, string name)
        where TActivity : ITaskActivity
    {
        ArgumentNullException.ThrowIfNull(functions);
        var function = new ActivityFunction(name, typeof(TActivity));
        functions.Add(function);
        return function;
    }

    /// <summary>Registers the catalogue's orchestrators and activities with a Durable Task worker, under their function names.</summary>
    public static void AddTasksTo(this FunctionCatalogue functions, DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var orchestration in functions.OfType<OrchestrationFunction>())
        {
            registry.AddOrchestrator(orchestration.Name, orchestration.Orchestrator);
        }

        foreach (var activity in functions.OfType<ActivityFunction>())
        {
            registry.AddActivity(activity.Name, activity.Activity);
        }
    }
}
