using System.Globalization;

namespace Integration.Functions.Platform.Timers;

/// <summary>
/// An Azure Functions timer schedule: six NCRONTAB fields, seconds first —
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c> — with <c>*</c>, numbers, ranges
/// (<c>1-5</c>), lists (<c>1,15</c>), steps (<c>*/10</c>, <c>8-18/2</c>) and English month and day
/// names. As in NCrontab, a time matches only when every field matches (day and day-of-week are
/// both required when both are restricted). Evaluated in wall-clock time of a time zone.
/// </summary>
public sealed class CronSchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] seconds;
    private readonly bool[] minutes;
    private readonly bool[] hours;
    private readonly bool[] days;
    private readonly bool[] months;
    private readonly bool[] daysOfWeek;

    private CronSchedule(string expression, bool[][] fields)
    {
        Expression = expression;
        (seconds, minutes, hours, days, months, daysOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
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

        (string Name, int Min, int Max, string[]? Names)[] specs =
        [
            ("second", 0, 59, null), ("minute", 0, 59, null), ("hour", 0, 23, null),
            ("day", 1, 31, null), ("month", 1, 12, MonthNames), ("day-of-week", 0, 6, DayNames),
        ];
        var fields = new bool[6][];
        for (var i = 0; i < 6; i++)
        {
            var (name, min, max, names) = specs[i];
            var parsed = ParseField(parts[i], min, max, names, name == "day-of-week");
            if (parsed.Error is not null)
            {
                error = $"'{expression}': {name} field '{parts[i]}' {parsed.Error}";
                return false;
            }

            fields[i] = parsed.Values!;
        }

        schedule = new CronSchedule(string.Join(' ', parts), fields);
        error = "";
        return true;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if none within eight years.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, DateTimeKind.Unspecified).AddSeconds(1);
        var limit = t.AddYears(8);
        while (t < limit)
        {
            if (!months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
            }
            else if (!days[t.Day] || !daysOfWeek[(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
            }
            else if (!hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!minutes[t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
            }
            else if (!seconds[t.Second])
            {
                t = t.AddSeconds(1);
            }
            else if (zone.IsInvalidTime(t))
            {
                // A wall-clock time skipped by a daylight-saving change does not occur.
                t = t.AddSeconds(1);
            }
            else
            {
                var offset = zone.IsAmbiguousTime(t) ? zone.GetAmbiguousTimeOffsets(t).Max() : zone.GetUtcOffset(t);
                var occurrence = new DateTimeOffset(t, offset);
                if (occurrence > after)
                {
                    return occurrence;
                }

                t = t.AddSeconds(1);
            }
        }

        return null;
    }

    public override string ToString() => Expression;

    private static (bool[]? Values, string? Error) ParseField(string field, int min, int max, string[]? names, bool sundayIsSeven)
    {
        var values = new bool[max + 1];
        foreach (var item in field.Split(','))
        {
            var (range, stepText) = item.Split('/') switch
            {
                [var r] => (r, null),
                [var r, var s] => (r, s),
                _ => ("", null),
            };
            var step = 1;
            if (stepText is not null && (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
            {
                return (null, $"has a bad step '{stepText}'");
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else
            {
                var bounds = range.Split('-');
                if (bounds.Length is < 1 or > 2 || !TryValue(bounds[0], names, out from) || !TryValue(bounds[^1], names, out to))
                {
                    return (null, $"has a bad value '{range}'");
                }

                if (sundayIsSeven)
                {
                    from = from == 7 ? 0 : from;
                    to = to == 7 && bounds.Length == 1 ? 0 : to;
                }

                if (bounds.Length == 1 && stepText is not null)
                {
                    to = max;
                }
            }

            if (sundayIsSeven && to == 7)
            {
                values[0] = true;
                to = 6;
            }

            if (from < min || to > max || from > to)
            {
                return (null, $"is outside {min}-{max}");
            }

            for (var v = from; v <= to; v += step)
            {
                values[v] = true;
            }
        }

        return (values, null);
    }

    private static bool TryValue(string text, string[]? names, out int value)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var index = names is null ? -1 : Array.IndexOf(names, text.ToUpperInvariant());
        value = names == MonthNames ? index + 1 : index;
        return index >= 0;
    }
}
