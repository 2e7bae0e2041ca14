using Integration.Domain.Calendar;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>The configured numbers and parties of the plan flow.</summary>
public sealed record PlanRules(int ConsultationWorkingDays, int AssistanceWorkingDays, int CommitWorkingDays, int RevealWorkingDays, string Coordinator);

/// <summary>What a command on a plan comes to: a transition to commit, or why not.</summary>
public abstract record PlanDecision;

/// <summary>
/// A new state and everything that goes with it: the history entry's action and details, the notices to send,
/// the clocks to start, and the deadlines this transition stops or handles.
/// </summary>
public sealed record PlanTransition(
    PlanState State,
    string Action,
    object Details,
    IReadOnlyList<PlanNotice> Notices,
    IReadOnlyList<PlanClockStart> Start,
    IReadOnlyList<string> Stop,
    IReadOnlyList<string> Fired) : PlanDecision;

public enum PlanRejectionKind
{
    Forbidden,
    NotFound,
    Conflict,
    Invalid,
}

public sealed record PlanRejection(PlanRejectionKind Kind, string Detail, IDictionary<string, string[]>? Errors = null, string? Stage = null) : PlanDecision;

/// <summary>A message to one department on the <c>enforcement</c> topic.</summary>
public sealed record PlanNotice(string Recipient, string Subject, object Body);

/// <summary>
/// A deadline to set: a working-day clock (<see cref="Basis"/>: due at the end of its last working day, a reminder at
/// the start of it) or a calendar day (<see cref="Until"/>: the end of that day, a reminder at the start of the last
/// working day on or before it).
/// </summary>
public sealed record PlanClockStart(string Name, string Action, ClockBasis? Basis, DateOnly? Until, bool Reminder, string? Data = null)
{
    /// <summary>When the clock is due (or its reminder rings) on <paramref name="calendar"/>, and whether that is provisional.</summary>
    public (DateTimeOffset At, bool Provisional) On(WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (Basis is not null)
        {
            var deadline = Basis.On(calendar);
            return (Reminder ? ChinaTime.StartOf(deadline.Deadline) : deadline.DueAt, deadline.Provisional);
        }

        var day = Until!.Value;
        if (!Reminder)
        {
            return (ChinaTime.EndOf(day), false);
        }

        while (!calendar.IsWorkingDay(day) && day > Until.Value.AddDays(-30))
        {
            day = day.AddDays(-1);
        }

        return (ChinaTime.StartOf(day), false);
    }
}

/// <summary>The plan's clocks; each with a reminder on its last working day and an overdue warning at its end.</summary>
public static class PlanClocks
{
    public const string Consultation = "consultation";
    public const string Commit = "commit";
    public const string Reveal = "reveal";
    public const string Results = "results";
    public const string Publish = "publish";
    public const string Assistance = "assistance";

    public static readonly IReadOnlyList<string> Clocks = [Consultation, Commit, Reveal, Results, Publish, Assistance];

    public static readonly IReadOnlyList<string> Actions = Clocks.SelectMany(c => new[] { ReminderAction(c), OverdueAction(c) }).ToArray();

    public static string ReminderAction(string clock) => $"enforcement.{clock}-reminder";

    public static string OverdueAction(string clock) => $"enforcement.{clock}-overdue";

    /// <summary>The deadline name of a clock (and its reminder); assistance clocks are one per letter.</summary>
    public static string Name(string clock, bool reminder = false, string? letterId = null) =>
        (reminder ? clock + "-reminder" : clock) + (letterId is null ? "" : "." + letterId);

    public static string[] Both(string clock, string? letterId = null) => [Name(clock, false, letterId), Name(clock, true, letterId)];

    public static PlanClockStart[] Start(string clock, ClockBasis basis, string? letterId = null) =>
    [
        new(Name(clock, true, letterId), ReminderAction(clock), basis, null, Reminder: true, letterId),
        new(Name(clock, false, letterId), OverdueAction(clock), basis, null, Reminder: false, letterId),
    ];

    public static PlanClockStart[] Until(string clock, DateOnly day) =>
    [
        new(Name(clock, true), ReminderAction(clock), null, day, Reminder: true),
        new(Name(clock, false), OverdueAction(clock), null, day, Reminder: false),
    ];

    /// <summary>Whether a step at <paramref name="at"/> missed the end of <paramref name="day"/>, and by how many working days.</summary>
    public static Lateness MeasureUntil(WorkingDayCalendar calendar, DateOnly day, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (at < ChinaTime.EndOf(day))
        {
            return Lateness.OnTime;
        }

        var done = ChinaTime.DateOf(at);
        while (!calendar.IsWorkingDay(done))
        {
            done = done.AddDays(1);
        }

        return new Lateness(true, Math.Max(1, calendar.WorkingDaysBetween(day, done)));
    }
}

/// <summary>The notices' bodies: what a department's system reads off its subscription.</summary>
public sealed record PlanSummaryNotice(string PlanId, string Title, string Kind, string Initiator, string LeadDepartment, IReadOnlyList<string> Participants, PlanWindow Window, string Message, WorkingDayDeadline? Deadline);

public sealed record PlanObjectionNotice(string PlanId, string Department, string Reason, DateTimeOffset At);

public sealed record PlanClockNotice(string PlanId, string Clock, string Kind, DateTimeOffset DueAt, IReadOnlyList<string> Waiting, string Message);

/// <summary>随机抽查通知书: task number, matters, window, method, documents to prepare.</summary>
public sealed record CheckNotice(
    string PlanId,
    string TaskId,
    string TargetId,
    string CreditCode,
    IReadOnlyList<TaskOfficer> Officers,
    IReadOnlyList<PlanMatter> Matters,
    PlanWindow Window,
    string Method,
    IReadOnlyList<string> DocumentsToPrepare,
    string LeadDepartment);

/// <summary>One message per department with all its tasks of the draw: a record's transition commits at most 100 rows, so tasks are grouped.</summary>
public sealed record TasksAssignedNotice(string PlanId, string Department, string RosterHash, string Seed, IReadOnlyList<CheckNotice> Tasks);

public sealed record DrawFailedNotice(string PlanId, int Attempt, string Reason);

public sealed record AssistanceNotice(string PlanId, string LetterId, string TaskId, string TargetId, string From, string To, string Finding, WorkingDayDeadline Deadline);

public sealed record AssistanceAnswerNotice(string PlanId, string LetterId, string From, bool Accepted, string Reply, Lateness Lateness);

public sealed record TaskReassignedNotice(string PlanId, string TaskId, string TargetId, string Replaced, TaskOfficer Replacement, int Round, string Reason, CheckNotice Task);

public sealed record TaskExceptionNotice(string PlanId, string TaskId, string TargetId, string CreditCode, string Reason, string ReportedBy, DateTimeOffset At);

public sealed record PlanSuspensionNotice(string PlanId, string Title, string Kind, string By, string? Reason, DateTimeOffset At, IReadOnlyList<PausedClock> Clocks);

/// <summary>A bid-rigging or fraud finding: ndrc or the department that found it turns it into a lead with <c>POST …/tasks/{TaskId}/findings/{FindingIndex}/lead</c>.</summary>
public sealed record LeadCandidateNotice(string PlanId, string TaskId, string TargetId, string CreditCode, string Category, string Finding, string FoundBy, int FindingIndex);

public sealed record PublishedNotice(string PlanId, string Title, DateTimeOffset PublishedAt, Lateness Lateness, IReadOnlyList<DepartmentSummary> Summary);
