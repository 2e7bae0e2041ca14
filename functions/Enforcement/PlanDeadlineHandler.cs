using Integration.Domain.Enforcement.Plans;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Enforcement;

/// <summary>Wakes the plan clocks from the <c>deadline-sweep</c>: reminders on the last working day, warnings when a step is overdue.</summary>
public sealed class PlanDeadlineHandler(PlanService plans, ILogger<PlanDeadlineHandler> logger) : IDeadlineHandler
{
    public IReadOnlyCollection<string> Actions => PlanClocks.Actions;

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        if (await plans.OnDeadlineAsync(due, cancellationToken))
        {
            logger.DeadlineFired(due.Record, due.Deadline, due.Action);
        }
    }
}
