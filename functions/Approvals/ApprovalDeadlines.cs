using Integration.Domain.Approvals;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Approvals;

/// <summary>
/// The wake-ups of the two claim clocks of each routed part (<see cref="ApprovalClocks"/>): a reminder
/// at the start of the last working day to claim, and the overdue warning (超期未认领) when the claim
/// deadline passes. A claim, a decline or an assignment stops them in the same commit; a wake-up that
/// still arrives finds its deadline no longer current and changes nothing.
/// </summary>
public sealed class ApprovalDeadlines(ApprovalService approvals, ILogger<ApprovalDeadlines> logger) : IDeadlineHandler
{
    public const string System = "system:deadlines";

    public IReadOnlyCollection<string> Actions { get; } = [ApprovalSubjects.ClaimReminder, ApprovalSubjects.ClaimOverdue];

    public static string ClaimDue(string department) => ApprovalClocks.ClaimDue(department);

    public static string ClaimReminder(string department) => ApprovalClocks.ClaimReminder(department);

    public static IEnumerable<string> Names(string department) => ApprovalClocks.Names(department);

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);

        // The listing index follows through the record store's projection, as for every approval commit.
        if (await approvals.OnDeadlineAsync(due, cancellationToken))
        {
            logger.DeadlineFired(due.Record, due.Deadline, due.Action);
        }
    }
}
