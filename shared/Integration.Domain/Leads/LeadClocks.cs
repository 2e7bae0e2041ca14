using Integration.Domain.Calendar;

namespace Integration.Domain.Leads;

/// <summary>The lead's working-day clocks, each in its own durable deadline, with a reminder on its last day.</summary>
public static class LeadClocks
{
    public const string Relay = "relay";
    public const string Return = "return";
    public const string Feedback = "feedback";

    public const string RelayReminderAction = "lead.relay-reminder";
    public const string RelayOverdueAction = "lead.relay-overdue";
    public const string ReturnReminderAction = "lead.return-reminder";
    public const string ReturnWindowClosedAction = "lead.return-window-closed";
    public const string FeedbackReminderAction = "lead.feedback-reminder";
    public const string FeedbackOverdueAction = "lead.feedback-overdue";

    public static readonly IReadOnlyList<string> Actions =
        [RelayReminderAction, RelayOverdueAction, ReturnReminderAction, ReturnWindowClosedAction, FeedbackReminderAction, FeedbackOverdueAction];

    /// <summary>The deadline name of a clock (and of its reminder) for a department; the relay clock is the coordinator's alone.</summary>
    public static string Name(string clock, string? department = null, bool reminder = false) =>
        (reminder ? clock + "-reminder" : clock) + (department is null ? "" : "." + department);

    /// <summary>Whether a step taken at <paramref name="at"/> missed its clock, measured on <paramref name="calendar"/>.</summary>
    public static Lateness Measure(WorkingDayCalendar calendar, ClockBasis clock, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.LatenessOf(at, calendar);
    }

    /// <summary>The clocks of a lead that have run out with their step still not taken, as of <paramref name="now"/>.</summary>
    public static IReadOnlyList<OverdueClock> Overdue(LeadState state, WorkingDayCalendar calendar, DateTimeOffset now, string coordinator)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(calendar);
        var overdue = new List<OverdueClock>();
        if (state.Assignment is { } assignment && assignment.Clock.On(calendar).DueAt <= now)
        {
            overdue.Add(new OverdueClock(Relay, coordinator, assignment.Clock.On(calendar).DueAt));
        }

        foreach (var part in state.Active)
        {
            if (part is { Status: RecipientStatus.Handled, FeedbackClock: { } feedback } && feedback.On(calendar).DueAt <= now)
            {
                overdue.Add(new OverdueClock(Feedback, part.Department, feedback.On(calendar).DueAt));
            }
        }

        return overdue;
    }
}

/// <summary>A clock that ran out: which, whose, and when it was due.</summary>
public sealed record OverdueClock(string Clock, string Department, DateTimeOffset DueAt);
