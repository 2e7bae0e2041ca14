using Integration.Domain.Calendar;

namespace Integration.Domain.Approvals;

/// <summary>How long a department has to claim, on which calendar, and who assigns what nobody claims.</summary>
public sealed record ClaimPolicy(WorkingDayCalendar Calendar, int WorkingDays, string Coordinator)
{
    /// <summary>"Within N working days of the push": the day of the push is not counted.</summary>
    public ClockBasis ClockFrom(DateTimeOffset routedAt) => ClockBasis.Starting(routedAt, WorkingDays);
}

public enum ReceiveOutcome
{
    /// <summary>A new approval: stored and routed.</summary>
    Created,

    /// <summary>A newer version of a known approval: stored; active departments are told (审批结果变更).</summary>
    Updated,

    /// <summary>This version was stored before with the same content: nothing to do.</summary>
    Duplicate,

    /// <summary>Older than the stored version: never overwrites it.</summary>
    Stale,

    /// <summary>This version was stored before with different content: the source contradicts itself.</summary>
    Conflict,
}

/// <summary>
/// What receiving a version of an approval comes to. <see cref="Transition"/> is what to commit when
/// it <see cref="Changes"/> anything; otherwise <see cref="Problem"/> says why not, when that is news.
/// </summary>
/// <param name="State">The new state when <see cref="Changes"/>, otherwise the current one.</param>
/// <param name="Routed">Parts created by this receipt (each gets approval.pushed and a claim clock).</param>
/// <param name="Notified">Active parts told that the approval changed.</param>
public sealed record ReceiveDecision(
    ReceiveOutcome Outcome, ApprovalState? State, IReadOnlyList<ApprovalPart> Routed, IReadOnlyList<ApprovalPart> Notified, string? Problem, ApprovalTransition? Transition = null)
{
    public bool Changes => Outcome is ReceiveOutcome.Created or ReceiveOutcome.Updated;
}

public enum CommandOutcome
{
    Changed,
    Unchanged,

    /// <summary>The caller holds no part of this approval (403).</summary>
    NotRouted,

    /// <summary>The part is in a state that forbids the command (409).</summary>
    Conflict,
}

/// <summary>
/// What a claim, decline, assignment or clock comes to: a transition to commit (<see cref="CommandOutcome.Changed"/>),
/// nothing to do (<see cref="CommandOutcome.Unchanged"/>), or a rejection with its <see cref="Problem"/>.
/// </summary>
/// <param name="Part">The part the command acted on, as it is afterwards.</param>
/// <param name="Settled">Parts the coordinator dealt with by assigning (their clocks stop).</param>
public sealed record CommandDecision(
    CommandOutcome Outcome, ApprovalState State, ApprovalPart? Part, string? Problem, IReadOnlyList<ApprovalPart> Settled, ApprovalTransition? Transition = null)
{
    internal static CommandDecision Unchanged(ApprovalState state, ApprovalPart? part) => new(CommandOutcome.Unchanged, state, part, null, []);

    internal static CommandDecision NotRouted(ApprovalState state, string department) =>
        new(CommandOutcome.NotRouted, state, null, $"Approval {state.ApprovalId} was not routed to '{department}'.", []);

    internal static CommandDecision Conflict(ApprovalState state, ApprovalPart part, string problem) => new(CommandOutcome.Conflict, state, part, problem, []);
}

/// <summary>
/// A new approval state's companions, as <c>LeadTransition</c> is for a lead: the history entry's action
/// and details, the notices to send, the claim clocks to start (as rules), those it stops, and the
/// deadline it handles.
/// </summary>
public sealed record ApprovalTransition(
    string Action,
    object Details,
    IReadOnlyList<ApprovalNotice> Notices,
    IReadOnlyList<ClockStart> Start,
    IReadOnlyList<string> Stop,
    IReadOnlyList<string> Fired);

public enum ApprovalAudience
{
    /// <summary>A department's subscription on the <c>approvals</c> topic.</summary>
    Department,

    /// <summary>The approval system's subscription on the <c>approval-feedback</c> topic (双告知、双反馈).</summary>
    ApprovalSystem,
}

/// <summary>
/// A message to one party about one approval: <paramref name="Recipient"/> is the department (null for
/// the approval system, which has one subscription); <paramref name="Part"/> the part it is about;
/// <paramref name="Details"/> one of the records below.
/// </summary>
public sealed record ApprovalNotice(ApprovalAudience Audience, string? Recipient, string Subject, ApprovalPart? Part, object? Details = null);

/// <summary>A part the coordinator assigned by hand (on <c>approval.pushed</c>).</summary>
public sealed record ApprovalAssignedDetails(string AssignedBy);

/// <summary>Who the approval went to (on <c>approval.routed</c>); <paramref name="AssignedBy"/> when the coordinator chose.</summary>
public sealed record ApprovalRoutedDetails(IReadOnlyList<string> Departments, string? AssignedBy = null);

/// <summary>审批结果变更 (on <c>approval.changed</c>).</summary>
public sealed record ApprovalChangedDetails(long? PreviousVersion, long Version);

public sealed record ApprovalClaimedDetails(string ClaimedBy, DateTimeOffset? ClaimedAt);

public sealed record ApprovalDeclinedDetails(string DeclinedBy, string Reason);

/// <summary>The coordinator's copy of a department's overdue warning.</summary>
public sealed record ApprovalOverdueDetails(string OverdueDepartment);

/// <summary>The subjects of approval messages, which are also the actions of its clocks' wake-ups.</summary>
public static class ApprovalSubjects
{
    public const string Pushed = "approval.pushed";
    public const string Changed = "approval.changed";
    public const string ClaimReminder = "approval.claim-reminder";
    public const string ClaimOverdue = "approval.claim-overdue";
    public const string Declined = "approval.declined";
    public const string Routed = "approval.routed";
    public const string Claimed = "approval.claimed";
}
