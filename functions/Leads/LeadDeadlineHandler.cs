using Integration.Domain.Leads;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Leads;

/// <summary>Wakes the lead clocks: reminders on the last working day, warnings when a step is overdue.</summary>
public sealed class LeadDeadlineHandler(LeadService leads, ILogger<LeadDeadlineHandler> logger) : IDeadlineHandler
{
    public IReadOnlyCollection<string> Actions => LeadClocks.Actions;

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        if (await leads.OnDeadlineAsync(due, cancellationToken))
        {
            logger.DeadlineFired(due.Record, due.Deadline, due.Action);
        }
    }
}
