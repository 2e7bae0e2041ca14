using Integration.Domain.Kernel;

namespace Integration.Domain.Calendar;

public enum DayKind
{
    Workday,
    Weekend,
    Holiday,
    AdjustedWorkday,
}

/// <summary>What one date is. <see cref="Provisional"/>: its year has no loaded notice, so only weekends were considered.</summary>
public sealed record CalendarDay(DateOnly Date, DayKind Kind, string? Holiday, bool Provisional)
{
    public bool IsWorkingDay => Kind is DayKind.Workday or DayKind.AdjustedWorkday;
}

/// <summary>
/// "Within N working days from day D": D is not counted, the deadline is the N-th working day after D,
/// due at the end of that day in China. Provisional when any day counted lies in a year without a notice.
/// </summary>
public sealed record WorkingDayDeadline(DateOnly From, int WorkingDays, DateOnly Deadline, DateTimeOffset DueAt, bool Provisional);

/// <summary>
/// The one calendar every working-day deadline goes through: Monday to Friday, minus the State
/// Council's public holidays, plus its adjusted working weekend days (调休上班).
/// Immutable and thread-safe; a new data file means a new instance.
/// </summary>
public sealed class WorkingDayCalendar
{
    /// <summary>Upper bound on N, so a typo cannot make the platform count for years.</summary>
    public const int MaxWorkingDays = 3660;

    private readonly Dictionary<DateOnly, string> holidays = [];
    private readonly Dictionary<DateOnly, string> adjustedWorkdays = [];
    private readonly HashSet<int> coveredYears = [];

    public WorkingDayCalendar(CalendarData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var year in data.Years)
        {
            coveredYears.Add(year.Year);
            foreach (var holiday in year.Holidays)
            {
                for (var day = holiday.From; day <= holiday.To; day = day.AddDays(1))
                {
                    holidays[day] = holiday.Name;
                }

                foreach (var day in holiday.AdjustedWorkdays)
                {
                    adjustedWorkdays[day] = holiday.Name;
                }
            }
        }

        CoveredYears = coveredYears.Order().ToArray();
    }

    /// <summary>The years whose notice is loaded.</summary>
    public IReadOnlyList<int> CoveredYears { get; }

    public bool Covers(int year) => coveredYears.Contains(year);

    public CalendarDay Describe(DateOnly date)
    {
        var provisional = !coveredYears.Contains(date.Year);
        if (holidays.TryGetValue(date, out var holiday))
        {
            return new CalendarDay(date, DayKind.Holiday, holiday, provisional);
        }

        if (adjustedWorkdays.TryGetValue(date, out var forHoliday))
        {
            return new CalendarDay(date, DayKind.AdjustedWorkday, forHoliday, provisional);
        }

        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        return new CalendarDay(date, weekend ? DayKind.Weekend : DayKind.Workday, null, provisional);
    }

    public bool IsWorkingDay(DateOnly date) => Describe(date).IsWorkingDay;

    public WorkingDayDeadline AddWorkingDays(DateOnly from, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workingDays, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workingDays, MaxWorkingDays);
        if (!ChinaTime.IsSupported(from))
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, $"Deadlines are counted from dates that {ChinaTime.RangeRule}.");
        }

        var day = from;
        var counted = 0;
        var provisional = false;
        while (counted < workingDays)
        {
            day = day.AddDays(1);
            var described = Describe(day);
            provisional |= described.Provisional;
            if (described.IsWorkingDay)
            {
                counted++;
            }
        }

        return new WorkingDayDeadline(from, workingDays, day, ChinaTime.EndOf(day), provisional);
    }

    /// <summary>Counts from the China date of <paramref name="instant"/>.</summary>
    public WorkingDayDeadline AddWorkingDays(DateTimeOffset instant, int workingDays) =>
        AddWorkingDays(ChinaTime.DateOf(instant), workingDays);

    /// <summary>Working days in (<paramref name="after"/>, <paramref name="through"/>]; 0 when through ≤ after.</summary>
    public int WorkingDaysBetween(DateOnly after, DateOnly through)
    {
        var count = 0;
        for (var day = after.AddDays(1); day <= through; day = day.AddDays(1))
        {
            if (IsWorkingDay(day))
            {
                count++;
            }
        }

        return count;
    }
}
