using Integration.Domain.Calendar;
using Integration.Domain.Kernel;

namespace Integration.Domain.Reports.Meetings;

public enum MeetingStatus
{
    /// <summary>A period's meeting before ndrc schedules it: departments submit agenda items.</summary>
    Gathering,

    /// <summary>An extra meeting a department asked for (000 §(二)), waiting for ndrc to schedule or decline it.</summary>
    Requested,

    Declined,

    Scheduled,

    /// <summary>The meeting took place and its minutes are recorded.</summary>
    Held,
}

public enum ActionItemStatus
{
    Open,
    Closed,
}

/// <summary>A point a department asks the meeting to discuss.</summary>
public sealed record AgendaItem(string Title, string? Detail, string SubmittedBy, DateTimeOffset SubmittedAt);

public sealed record MeetingDecline(string Reason, string By, DateTimeOffset At);

/// <summary>The minutes (会议纪要) as recorded, with the fingerprint of what was sent so a repeat is recognised.</summary>
public sealed record MeetingMinutes(string Summary, IReadOnlyList<string> Decisions, string RecordedBy, DateTimeOffset RecordedAt, string Fingerprint);

/// <summary>
/// A decision of the meeting a department must carry out (督办事项): due <see cref="DueWorkingDays"/> working days after the
/// minutes' China date, its clock kept as the rule (<see cref="Clock"/>) and counted on the calendar of the moment.
/// </summary>
public sealed record ActionItem
{
    public required string Id { get; init; }

    public required string MeetingId { get; init; }

    public string? Period { get; init; }

    public required string Owner { get; init; }

    public required string What { get; init; }

    public required int DueWorkingDays { get; init; }

    public required ClockBasis Clock { get; init; }

    public required DateTimeOffset AssignedAt { get; init; }

    public ActionItemStatus Status { get; init; } = ActionItemStatus.Open;

    public DateTimeOffset? ClosedAt { get; init; }

    public string? Outcome { get; init; }

    public Lateness? Lateness { get; init; }

    /// <summary>When the overdue warning went out; the item stays open until its owner closes it.</summary>
    public DateTimeOffset? OverdueAt { get; init; }

    public bool IsOverdue(WorkingDayCalendar calendar, DateTimeOffset now) =>
        Status == ActionItemStatus.Open && now >= Clock.On(calendar).DueAt;
}

/// <summary>
/// A coordination meeting (协调会商): the one after a period's report (id = the period) or an extra one a department asked
/// for (id <c>EM-…</c>). One record holds its agenda, schedule, minutes and action items, each item on its own clock.
/// </summary>
public sealed record MeetingState
{
    public required string MeetingId { get; init; }

    /// <summary>The report period the meeting follows; null for an extra meeting.</summary>
    public string? Period { get; init; }

    public MeetingStatus Status { get; init; } = MeetingStatus.Gathering;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    public DateTimeOffset? RequestedAt { get; init; }

    /// <summary>The fingerprint of an extra meeting's request, so a retry under the same idempotency key is recognised.</summary>
    public string? RequestFingerprint { get; init; }

    /// <summary>Items the departments submitted (and the requester's, for an extra meeting).</summary>
    public IReadOnlyList<AgendaItem> Submitted { get; init; } = [];

    /// <summary>The agenda ndrc set when it scheduled the meeting.</summary>
    public IReadOnlyList<AgendaItem> Agenda { get; init; } = [];

    public DateTimeOffset? At { get; init; }

    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>How many times the meeting was moved after it was first scheduled.</summary>
    public int Rescheduled { get; init; }

    public MeetingDecline? Decline { get; init; }

    public MeetingMinutes? Minutes { get; init; }

    public IReadOnlyList<ActionItem> ActionItems { get; init; } = [];

    public ActionItem? ActionItem(string id) => ActionItems.FirstOrDefault(a => a.Id == id);
}

/// <summary>The parties of the meeting flow: the coordinator who runs it and the member departments it concerns.</summary>
public sealed record MeetingRules(string Coordinator, IReadOnlyList<string> Departments)
{
    public bool IsDepartment(string id) => Departments.Contains(id, StringComparer.Ordinal);
}

public static class MeetingNames
{
    public static readonly IReadOnlyList<string> ActionStatuses = ["open", "closed", "overdue"];

    public static string Of(MeetingStatus status) => status switch
    {
        MeetingStatus.Gathering => "gathering",
        MeetingStatus.Requested => "requested",
        MeetingStatus.Declined => "declined",
        MeetingStatus.Scheduled => "scheduled",
        _ => "held",
    };

    public static string Of(ActionItemStatus status) => status == ActionItemStatus.Open ? "open" : "closed";

    /// <summary>An action item's id: the meeting's id and its number in the minutes, e.g. <c>2026Q1-A001</c>.</summary>
    public static string ActionId(string meetingId, int number) => meetingId + "-A" + number.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The meeting an action item id belongs to, or null when the id is not one.</summary>
    public static string? MeetingOf(string actionId)
    {
        if (!RecordId.IsValid(actionId))
        {
            return null;
        }

        var at = actionId.LastIndexOf("-A", StringComparison.Ordinal);
        return at > 0 && actionId.Length - at == 5 && actionId[(at + 2)..].All(char.IsAsciiDigit) ? actionId[..at] : null;
    }
}
