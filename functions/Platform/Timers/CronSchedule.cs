using NCrontab;

namespace Integration.Functions.Platform.Timers;

/// <summary>
/// An Azure Functions timer schedule: six NCRONTAB fields, seconds first —
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>. Parsed by NCrontab, the library the
/// Functions host's timer extension parses schedules with, so a schedule the local host accepts is one
/// the host accepts too. The host also takes five fields; the platform insists on six so that every
/// schedule reads the same way. Evaluated in wall-clock time of a time zone.
/// </summary>
public sealed class CronSchedule
{
    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };

    private readonly CrontabSchedule schedule;

    private CronSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        this.schedule = schedule;
    }

    public string Expression { get; }

    public static CronSchedule Parse(string expression)
    {
        if (!TryParse(expression, out var schedule, out var error))
        {
            throw new FormatException(error);
        }

        return schedule;
    }

    public static bool TryParse(string expression, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        var parts = (expression ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            error = $"'{expression}' has {parts.Length} fields; an NCRONTAB timer schedule has six: second minute hour day month day-of-week.";
            return false;
        }

        var normalised = string.Join(' ', parts);
        try
        {
            schedule = new CronSchedule(normalised, CrontabSchedule.Parse(normalised, WithSeconds));
            error = "";
            return true;
        }
        catch (CrontabException e)
        {
            error = $"'{expression}': {e.Message}";
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if none within eight years.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var start = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, DateTimeKind.Unspecified);
        var limit = start.AddYears(8);
        var candidate = start;
        while (true)
        {
            // NCrontab's next occurrence is strictly after its base time and before the end time.
            candidate = schedule.GetNextOccurrence(candidate, limit);
            if (candidate >= limit)
            {
                return null;
            }

            if (zone.IsInvalidTime(candidate))
            {
                // A wall-clock time skipped by a daylight-saving change does not occur.
                continue;
            }

            var offset = zone.IsAmbiguousTime(candidate) ? zone.GetAmbiguousTimeOffsets(candidate).Max() : zone.GetUtcOffset(candidate);
            var occurrence = new DateTimeOffset(candidate, offset);
            if (occurrence > after)
            {
                return occurrence;
            }
        }
    }

    public override string ToString() => Expression;
}
