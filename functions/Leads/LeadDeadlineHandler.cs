using Integration.Domain.Leads;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Leads;

/// <summary>Wakes the lead clocks: reminders on the last working day, warnings when a step is overdue.</summary>
public sealed class LeadDeadlineHandler(LeadService leads) : IDeadlineHandler
{
    public IReadOnlyCollection<string> Actions => LeadClocks.Actions;

    public Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken) => leads.OnDeadlineAsync(due, cancellationToken);
}
