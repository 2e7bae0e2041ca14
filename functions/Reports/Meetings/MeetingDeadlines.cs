using Integration.Domain.Reports.Meetings;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Reports.Meetings;

/// <summary>Wakes the action items' clocks: the reminder on the last working day, the warning when an item is overdue.</summary>
public sealed class MeetingDeadlines(MeetingService meetings, ILogger<MeetingDeadlines> logger) : IDeadlineHandler
{
    public IReadOnlyCollection<string> Actions => MeetingClocks.Actions;

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        if (await meetings.OnDeadlineAsync(due, cancellationToken))
        {
            logger.DeadlineFired(due.Record, due.Deadline, due.Action);
        }
    }
}
