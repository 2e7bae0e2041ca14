using Integration.Domain.Calendar;

namespace Integration.Domain.Leads;

/// <summary>The configured numbers and parties of the lead flow; <see cref="Police"/> is null where police are not on the platform.</summary>
public sealed record LeadRules(int RelayWorkingDays, int ReturnWorkingDays, int FeedbackWorkingDays, string Coordinator, string? Police);

/// <summary>What a command on a lead comes to: a transition to commit, or why not.</summary>
public abstract record LeadDecision;

/// <summary>
/// A new state and everything that goes with it: the history entry's action and details, the notices
/// to send, the clocks to start, and the deadlines this transition stops or handles.
/// </summary>
public sealed record LeadTransition(
    LeadState State,
    string Action,
    object Details,
    IReadOnlyList<LeadNotice> Notices,
    IReadOnlyList<ClockStart> Start,
    IReadOnlyList<string> Stop,
    IReadOnlyList<string> Fired) : LeadDecision;

public enum LeadRejectionKind
{
    Forbidden,
    Conflict,
    Invalid,
}

public sealed record LeadRejection(LeadRejectionKind Kind, string Detail, IDictionary<string, string[]>? Errors = null, string? State = null) : LeadDecision;

public enum LeadAudience
{
    /// <summary>A department's subscription on the <c>leads</c> topic.</summary>
    Department,

    /// <summary>The submitting trading centre's subscription on the <c>lead-feedback</c> topic.</summary>
    Submitter,
}

/// <summary>A message to one party. Bodies never carry the confidential source.</summary>
public sealed record LeadNotice(LeadAudience Audience, string Recipient, string Subject, object Body);

/// <summary>What a department receives when a lead is relayed to it: the lead without its source's identity.</summary>
public sealed record LeadRelayedNotice(
    string LeadId,
    string Department,
    string Role,
    string Reason,
    bool ToRoute,
    DateTimeOffset DiscoveredAt,
    string ProjectCode,
    string? TenderId,
    string Category,
    string? Industry,
    string Summary,
    IReadOnlyList<LeadParty> Parties,
    IReadOnlyList<LeadEvidence> Evidence,
    bool SuspectedCrime,
    string? SourceChannel,
    string SubmittedBy,
    WorkingDayDeadline RelayDeadline,
    DateTimeOffset RelayedAt,
    Lateness RelayLateness);

public sealed record LeadReceiptNotice(string LeadId, string Department, DateTimeOffset SignedAt, IReadOnlyList<LeadEvidence> Materials, IReadOnlyList<LeadEvidence> Missing, string? Note);

public sealed record LeadReturnedNotice(string LeadId, string Department, string Reason, DateTimeOffset ReturnedAt, WorkingDayDeadline ReturnDeadline, Lateness Lateness, bool ToRoute);

public sealed record LeadFeedbackNotice(
    string LeadId,
    string Department,
    string Role,
    string Outcome,
    string Decision,
    DateTimeOffset CompletedAt,
    DateTimeOffset ReportedAt,
    WorkingDayDeadline FeedbackDeadline,
    Lateness Lateness);

/// <summary>A reminder, an overdue warning or the end of the return window, for one clock of one department.</summary>
public sealed record LeadClockNotice(string LeadId, string Clock, string Department, string Kind, WorkingDayDeadline Deadline, string Message);
