using Integration.Domain.Approvals;
using Integration.Domain.Routing;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Approvals;

/// <summary>
/// The two durable deadlines of each routed part: a reminder at the start of the last working day
/// to claim, and the overdue warning (超期未认领) when the claim deadline passes. A claim, a decline or
/// an assignment cancels them in the same commit; a wake-up that still arrives finds its deadline
/// no longer current and changes nothing.
/// </summary>
public sealed class ApprovalDeadlines(RecordStore records, ResponsibilityList responsibilities, TimeProvider time, ILogger<ApprovalDeadlines> logger)
    : IDeadlineHandler
{
    public const string System = "system:deadlines";

    public IReadOnlyCollection<string> Actions { get; } = [ApprovalMessages.ClaimReminder, ApprovalMessages.ClaimOverdue];

    public static string ClaimDue(string department) => "claim:" + department;

    public static string ClaimReminder(string department) => "claim-reminder:" + department;

    /// <summary>Both deadlines of a part just routed to its department.</summary>
    public static IEnumerable<DeadlineSchedule> For(ApprovalPart part, WorkingDayDeadlines deadlines, int workingDays)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(deadlines);
        yield return deadlines.Schedule(ClaimReminder(part.Department), ApprovalMessages.ClaimReminder, part.RoutedAt, workingDays, DeadlineAnchor.StartOfLastDay, part.Department);
        yield return deadlines.Schedule(ClaimDue(part.Department), ApprovalMessages.ClaimOverdue, part.RoutedAt, workingDays, DeadlineAnchor.Due, part.Department);
    }

    public static IEnumerable<string> Names(string department) => [ClaimReminder(department), ClaimDue(department)];

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var result = await records.UpdateAsync<ApprovalState>(due.Key, record =>
        {
            if (!due.IsCurrentFor(record) || record.Deadline(due.Deadline)?.Data is not { } department)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var reminder = due.Action == ApprovalMessages.ClaimReminder;
            var decision = reminder ? ApprovalDecisions.Remind(record.State, department, now) : ApprovalDecisions.Overdue(record.State, department, now);
            if (decision.Outcome != CommandOutcome.Changed || decision.Part is not { } part)
            {
                return null;
            }

            var messages = new List<OutboundMessage> { ApprovalMessages.ToDepartment(due.Action, department, decision.State, part) };
            if (!reminder && department != responsibilities.Coordinator)
            {
                messages.Add(ApprovalMessages.ToDepartment(due.Action, responsibilities.Coordinator, decision.State, part, new { overdueDepartment = department }));
            }

            return new Change<ApprovalState>
            {
                State = decision.State,
                Action = due.Action,
                Principal = System,
                Details = new { department, claimDeadline = ApprovalResponses.ToResponse(part.ClaimDeadline), notified = messages.Select(m => m.Properties![ApprovalMessages.DepartmentProperty]).ToArray() },
                Messages = messages,
                Fired = [due.Deadline],
            };
        }, cancellationToken);

        // The listing index follows through the record store's projection, as for every approval commit.
        if (result.Changed)
        {
            logger.DeadlineFired(due.Record, due.Deadline, due.Action);
        }
    }
}
