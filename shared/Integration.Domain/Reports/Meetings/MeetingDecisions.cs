using Integration.Domain.Calendar;

namespace Integration.Domain.Reports.Meetings;

/// <summary>What a command on a meeting comes to: a transition to commit, nothing to do (a repeat), or why not.</summary>
public abstract record MeetingDecision;

/// <summary>A new state with its history entry, the notices to send, the clocks to start and the deadlines it stops or handles.</summary>
public sealed record MeetingTransition(
    MeetingState State,
    string Action,
    object Details,
    IReadOnlyList<MeetingNotice> Notices,
    IReadOnlyList<ClockStart> Start,
    IReadOnlyList<string> Stop,
    IReadOnlyList<string> Fired) : MeetingDecision;

/// <summary>The same command sent again: answered with the record as it is, nothing recorded.</summary>
public sealed record MeetingUnchanged : MeetingDecision
{
    public static readonly MeetingUnchanged Instance = new();
}

public enum MeetingRejectionKind
{
    Forbidden,
    Conflict,
    Invalid,
    NotFound,
}

public sealed record MeetingRejection(MeetingRejectionKind Kind, string Detail, IDictionary<string, string[]>? Errors = null, string? State = null) : MeetingDecision;

/// <summary>A message to one department's subscription on <c>coordination-reports</c>; bodies carry links, not whole minutes.</summary>
public sealed record MeetingNotice(string Recipient, string Subject, object Body);

/// <summary>Each action item's clock: a reminder at the start of its last working day, then the overdue warning.</summary>
public static class MeetingClocks
{
    public const string ReminderAction = "meeting.action-reminder";
    public const string OverdueAction = "meeting.action-overdue";

    public static readonly IReadOnlyList<string> Actions = [ReminderAction, OverdueAction];

    public static string Name(string actionId, bool reminder = false) => (reminder ? "action-reminder." : "action.") + actionId;

    public static ClockStart[] Start(ActionItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return
        [
            new(Name(item.Id, reminder: true), ReminderAction, item.Clock, Reminder: true, item.Id),
            new(Name(item.Id), OverdueAction, item.Clock, Reminder: false, item.Id),
        ];
    }

    public static string[] Both(string actionId) => [Name(actionId), Name(actionId, reminder: true)];
}
