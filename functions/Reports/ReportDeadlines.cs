using Integration.Functions.Platform.Records;

namespace Integration.Functions.Reports;

/// <summary>Wakes the coordination reports' acknowledgement clocks.</summary>
public sealed class ReportDeadlines(CoordinationReports reports) : IDeadlineHandler
{
    public IReadOnlyCollection<string> Actions { get; } = [CoordinationReports.AckReminderAction, CoordinationReports.AckOverdueAction];

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken) => await reports.OnDeadlineAsync(due, cancellationToken);
}
