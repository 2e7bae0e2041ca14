using Integration.Domain.Kernel;

namespace Integration.Domain.Calendar;

/// <summary>
/// "N working days from day D" kept as its rule, never as the instant it came to: a record stores the
/// rule, and every view, listing, filter and message counts it on the calendar loaded now, so a reload
/// that moves a provisional deadline moves it everywhere at once.
/// </summary>
public sealed record ClockBasis(DateOnly From, int WorkingDays)
{
    /// <summary>The clock of something that started at <paramref name="instant"/>: its China date is day D, not counted.</summary>
    public static ClockBasis Starting(DateTimeOffset instant, int workingDays) => new(ChinaTime.DateOf(instant), workingDays);

    public WorkingDayDeadline On(WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.AddWorkingDays(From, WorkingDays);
    }

    /// <summary>
    /// Whether a step taken at <paramref name="at"/> missed this clock on <paramref name="calendar"/>, and
    /// by how many working days. A step on a day off after the deadline counts as done on the next
    /// working day: a Saturday after a Friday deadline is one working day late, not zero.
    /// </summary>
    public Lateness LatenessOf(DateTimeOffset at, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var deadline = On(calendar);
        if (at < deadline.DueAt)
        {
            return Lateness.OnTime;
        }

        var day = ChinaTime.DateOf(at);
        while (!calendar.IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return new Lateness(true, calendar.WorkingDaysBetween(deadline.Deadline, day));
    }
}

/// <summary>Whether a step came after its deadline and by how many working days.</summary>
public sealed record Lateness(bool Late, int WorkingDaysLate)
{
    public static readonly Lateness OnTime = new(false, 0);
}
