using Integration.Domain.Audit;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Leads;
using Integration.Functions.Audit;
using static Integration.Functions.Calendar.CalendarFunctions;

namespace Integration.Functions.Leads;

/// <summary>
/// The source as a viewer may see it: the channel always, the identity only for those who see
/// everything (the coordinator and the operator); for everyone else <see cref="Withheld"/> is true.
/// </summary>
public sealed record SourceView(string Channel, bool Withheld, string? Name, string? IdNumber, string? Phone, string? Email, string? Organization, string? Note);

public sealed record RelayView(DateTimeOffset RelayedAt, bool Late, int WorkingDaysLate);

public sealed record AssignmentView(DateTimeOffset Since, string Reason, DeadlineResponse RelayDeadline, DateTimeOffset? OverdueAt);

public sealed record RecipientView(
    string Department,
    string Role,
    string Reason,
    string Status,
    DeadlineResponse RelayDeadline,
    RelayView Relay,
    LeadReceipt? Receipt,
    DeadlineResponse? ReturnDeadline,
    DateTimeOffset? ReturnWindowClosedAt,
    LeadReturn? Return,
    DateTimeOffset? CompletedAt,
    DeadlineResponse? FeedbackDeadline,
    DateTimeOffset? FeedbackOverdueAt,
    LeadResult? Result);

public sealed record LeadView(
    string LeadId,
    string Status,
    DateTimeOffset DiscoveredAt,
    string ProjectCode,
    string? TenderId,
    string Category,
    string? Industry,
    string Summary,
    IReadOnlyList<LeadParty> Parties,
    IReadOnlyList<LeadEvidence> Evidence,
    bool SuspectedCrime,
    SourceView? Source,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    LeadOrigin? Origin,
    DeadlineResponse RelayDeadline,
    RelayView Relay,
    IReadOnlyList<string> RoutedTo,
    AssignmentView? Assignment,
    IReadOnlyList<RecipientView> Recipients,
    IReadOnlyList<OverdueClock> Overdue,
    IReadOnlyList<AuditFunctions.EntryResponse>? History);

public sealed record LeadPage(IReadOnlyList<LeadView> Items, string? NextPageToken);

public static class LeadViews
{
    public static LeadView For(LeadState state, Principal viewer, WorkingDayCalendar calendar, DateTimeOffset now, string coordinator, IReadOnlyList<AuditEntry>? history = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(viewer);
        var s = state.Submission;
        return new LeadView(
            s.LeadId,
            LeadNames.Of(state.Status),
            s.DiscoveredAt,
            s.ProjectCode,
            s.TenderId,
            s.Category,
            s.Industry,
            s.Summary,
            s.Parties,
            s.Evidence,
            s.SuspectedCrime,
            Source(s.Source, viewer),
            state.SubmittedBy,
            state.SubmittedAt,
            state.Origin,
            Deadline(state.RelayClock, calendar),
            Relay(state.RelayClock, state.RelayedAt, calendar),
            state.RoutedTo,
            state.Assignment is { } a ? new AssignmentView(a.Since, a.Reason, Deadline(a.Clock, calendar), a.OverdueAt) : null,
            state.Recipients.Select(r => Recipient(r, calendar)).ToArray(),
            LeadClocks.Overdue(state, calendar, now, coordinator),
            history?.Select(AuditFunctions.ToResponse).ToArray());
    }

    private static SourceView? Source(LeadSource? source, Principal viewer) => source switch
    {
        null => null,
        _ when viewer.SeesEverything => new SourceView(source.Channel, false, source.Name, source.IdNumber, source.Phone, source.Email, source.Organization, source.Note),
        _ => new SourceView(source.Channel, true, null, null, null, null, null, null),
    };

    private static RecipientView Recipient(Recipient r, WorkingDayCalendar calendar) => new(
        r.Department,
        LeadNames.Of(r.Role),
        r.Reason,
        LeadNames.Of(r.Status),
        Deadline(r.RelayClock, calendar),
        Relay(r.RelayClock, r.RelayedAt, calendar),
        r.Receipt,
        r.ReturnClock is { } rc ? Deadline(rc, calendar) : null,
        r.ReturnWindowClosedAt,
        r.Return is { } returned && r.ReturnClock is { } returnClock ? returned with { Lateness = returnClock.LatenessOf(returned.At, calendar) } : r.Return,
        r.CompletedAt,
        r.FeedbackClock is { } fc ? Deadline(fc, calendar) : null,
        r.FeedbackOverdueAt,
        r.Result is { } result && r.FeedbackClock is { } feedbackClock ? result with { Lateness = feedbackClock.LatenessOf(result.ReportedAt, calendar) } : r.Result);

    /// <summary>Lateness, like every deadline shown, is measured on the calendar loaded now, not the one of the day the step was taken.</summary>
    private static RelayView Relay(ClockBasis clock, DateTimeOffset relayedAt, WorkingDayCalendar calendar)
    {
        var lateness = clock.LatenessOf(relayedAt, calendar);
        return new RelayView(relayedAt, lateness.Late, lateness.WorkingDaysLate);
    }

    private static DeadlineResponse Deadline(ClockBasis clock, WorkingDayCalendar calendar) => ToResponse(clock.On(calendar));
}
