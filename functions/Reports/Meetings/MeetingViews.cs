using Integration.Domain.Audit;
using Integration.Domain.Calendar;
using Integration.Domain.Reports.Meetings;
using Integration.Functions.Audit;
using static Integration.Functions.Calendar.CalendarFunctions;

namespace Integration.Functions.Reports.Meetings;

/// <summary>An agenda item and where it came from: <c>agenda</c> (submitted for the meeting) or <c>acknowledgement</c> (sent with the report's).</summary>
public sealed record AgendaItemView(string Title, string? Detail, string SubmittedBy, DateTimeOffset SubmittedAt, string Source);

public sealed record MinutesView(string Summary, IReadOnlyList<string> Decisions, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>An action item with its deadline counted on the current calendar; <c>overdue</c> while open past it.</summary>
public sealed record ActionItemView(
    string Id,
    string MeetingId,
    string? Period,
    string Owner,
    string What,
    int DueWorkingDays,
    DateTimeOffset AssignedAt,
    DeadlineResponse Deadline,
    string Status,
    bool Overdue,
    DateTimeOffset? OverdueAt,
    DateTimeOffset? ClosedAt,
    string? Outcome,
    bool? Late,
    int? WorkingDaysLate);

public sealed record MeetingView(
    string MeetingId,
    string? Period,
    string Status,
    string? RequestedBy,
    string? Reason,
    DateTimeOffset? RequestedAt,
    DateTimeOffset? At,
    DateTimeOffset? ScheduledAt,
    int Rescheduled,
    IReadOnlyList<AgendaItemView> Agenda,
    IReadOnlyList<AgendaItemView> Submitted,
    MeetingDecline? Decline,
    MinutesView? Minutes,
    IReadOnlyList<ActionItemView> ActionItems,
    string Link,
    IReadOnlyList<AuditFunctions.EntryResponse>? History);

public sealed record ActionItemPage(IReadOnlyList<ActionItemView> Items, string? NextPageToken);

public static class MeetingViews
{
    public static MeetingView For(
        MeetingState state, IReadOnlyList<AgendaItem> acknowledged, WorkingDayCalendar calendar, DateTimeOffset now, IReadOnlyList<AuditEntry>? history = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(acknowledged);
        var fromAcks = acknowledged.ToHashSet();
        AgendaItemView Agenda(AgendaItem i) => new(i.Title, i.Detail, i.SubmittedBy, i.SubmittedAt, fromAcks.Contains(i) ? "acknowledgement" : "agenda");
        return new MeetingView(
            state.MeetingId,
            state.Period,
            MeetingNames.Of(state.Status),
            state.RequestedBy,
            state.Reason,
            state.RequestedAt,
            state.At,
            state.ScheduledAt,
            state.Rescheduled,
            state.Agenda.Select(Agenda).ToArray(),
            acknowledged.Concat(state.Submitted).Select(Agenda).ToArray(),
            state.Decline,
            state.Minutes is { } m ? new MinutesView(m.Summary, m.Decisions, m.RecordedBy, m.RecordedAt) : null,
            state.ActionItems.Select(a => For(a, calendar, now)).ToArray(),
            MeetingMachine.Link(state),
            history?.Select(AuditFunctions.ToResponse).ToArray());
    }

    public static ActionItemView For(ActionItem item, WorkingDayCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new ActionItemView(
            item.Id,
            item.MeetingId,
            item.Period,
            item.Owner,
            item.What,
            item.DueWorkingDays,
            item.AssignedAt,
            ToResponse(item.Clock.On(calendar)),
            MeetingNames.Of(item.Status),
            item.IsOverdue(calendar, now),
            item.OverdueAt,
            item.ClosedAt,
            item.Outcome,
            item.Lateness?.Late,
            item.Lateness?.WorkingDaysLate);
    }
}
