using System.Globalization;
using System.Text.Json;

namespace Integration.Domain.Calendar;

/// <summary>The calendar data file could not be used; <see cref="Exception.Message"/> names the file and every bad entry.</summary>
public sealed class CalendarDataException : Exception
{
    public CalendarDataException(string source, IReadOnlyList<string> problems)
        : base($"Calendar data file '{source}' is invalid:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", problems)}")
    {
        Source = source;
        Problems = problems;
    }

    public CalendarDataException()
        : this("(unknown)", ["unknown problem"])
    {
    }

    public CalendarDataException(string message)
        : this("(unknown)", [message])
    {
    }

    public CalendarDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public new string? Source { get; }

    public IReadOnlyList<string> Problems { get; }
}

/// <summary>
/// Reads the human-edited calendar file. Every problem is reported with the year, the holiday
/// and the field it sits in, so whoever edits the file after a new notice can fix it at once.
/// </summary>
public static class CalendarDataParser
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static CalendarData Parse(string json, string source)
    {
        var problems = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new CalendarDataException(source, [$"not valid JSON: {e.Message}"]);
        }

        using (document)
        {
            var years = ReadYears(document.RootElement, problems);
            CheckOverlaps(years, problems);
            if (problems.Count > 0)
            {
                throw new CalendarDataException(source, problems);
            }

            return new CalendarData(years);
        }
    }

    private static List<HolidayYear> ReadYears(JsonElement root, List<string> problems)
    {
        var years = new List<HolidayYear>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("years", out var yearsElement) || yearsElement.ValueKind != JsonValueKind.Array)
        {
            problems.Add("the file must be an object with a \"years\" array");
            return years;
        }

        var index = 0;
        foreach (var yearElement in yearsElement.EnumerateArray())
        {
            var at = $"years[{index++}]";
            if (!yearElement.TryGetProperty("year", out var yearValue) || !yearValue.TryGetInt32(out var year) || year is < 1990 or > 2200)
            {
                problems.Add($"{at}: \"year\" must be a four-digit year");
                continue;
            }

            if (years.Any(y => y.Year == year))
            {
                problems.Add($"{year}: the year is listed twice");
                continue;
            }

            var notice = yearElement.TryGetProperty("notice", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : "";
            years.Add(new HolidayYear(year, notice, ReadHolidays(year, yearElement, problems)));
        }

        return years;
    }

    private static List<Holiday> ReadHolidays(int year, JsonElement yearElement, List<string> problems)
    {
        var holidays = new List<Holiday>();
        if (!yearElement.TryGetProperty("holidays", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{year}: \"holidays\" must be an array");
            return holidays;
        }

        var index = 0;
        foreach (var h in list.EnumerateArray())
        {
            var name = h.TryGetProperty("name", out var nameValue) && nameValue.ValueKind == JsonValueKind.String ? nameValue.GetString() : null;
            var at = $"{year} {(string.IsNullOrWhiteSpace(name) ? $"holidays[{index}]" : name)}";
            index++;
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add($"{at}: \"name\" is required");
            }

            var from = ReadDate(h, "from", at, problems);
            var to = ReadDate(h, "to", at, problems);
            if (from is { } f && to is { } t && f > t)
            {
                problems.Add($"{at}: \"from\" {f:yyyy-MM-dd} is after \"to\" {t:yyyy-MM-dd}");
            }

            var workdays = new List<DateOnly>();
            if (h.TryGetProperty("adjustedWorkdays", out var wd))
            {
                if (wd.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{at}: \"adjustedWorkdays\" must be an array of dates");
                }
                else
                {
                    var i = 0;
                    foreach (var w in wd.EnumerateArray())
                    {
                        if (ParseDate(w) is { } day)
                        {
                            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                            {
                                problems.Add($"{at}: adjustedWorkdays[{i}] {day:yyyy-MM-dd} is a {day.DayOfWeek}, not a weekend day");
                            }

                            workdays.Add(day);
                        }
                        else
                        {
                            problems.Add($"{at}: adjustedWorkdays[{i}] {w.GetRawText()} is not a yyyy-MM-dd date");
                        }

                        i++;
                    }
                }
            }

            if (from is { } start && to is { } end && start <= end && !string.IsNullOrWhiteSpace(name))
            {
                if (start.Year != year || end.Year != year)
                {
                    problems.Add($"{at}: {start:yyyy-MM-dd}–{end:yyyy-MM-dd} is not in {year}");
                }

                holidays.Add(new Holiday(name, start, end, workdays));
            }
        }

        return holidays;
    }

    private static DateOnly? ReadDate(JsonElement holiday, string field, string at, List<string> problems)
    {
        if (!holiday.TryGetProperty(field, out var value))
        {
            problems.Add($"{at}: \"{field}\" is required");
            return null;
        }

        var date = ParseDate(value);
        if (date is null)
        {
            problems.Add($"{at}: \"{field}\" {value.GetRawText()} is not a yyyy-MM-dd date");
        }

        return date;
    }

    private static DateOnly? ParseDate(JsonElement value) =>
        value.ValueKind == JsonValueKind.String
        && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    private static void CheckOverlaps(List<HolidayYear> years, List<string> problems)
    {
        var offDays = new Dictionary<DateOnly, string>();
        var workdays = new Dictionary<DateOnly, string>();
        foreach (var year in years)
        {
            foreach (var holiday in year.Holidays)
            {
                var at = $"{year.Year} {holiday.Name}";
                for (var day = holiday.From; day <= holiday.To; day = day.AddDays(1))
                {
                    if (!offDays.TryAdd(day, at))
                    {
                        problems.Add($"{at}: {day:yyyy-MM-dd} is a duplicate, already a holiday of {offDays[day]}");
                    }
                }

                foreach (var day in holiday.AdjustedWorkdays)
                {
                    if (!workdays.TryAdd(day, at))
                    {
                        problems.Add($"{at}: adjusted workday {day:yyyy-MM-dd} is a duplicate, already listed under {workdays[day]}");
                    }
                }
            }
        }

        foreach (var (day, at) in workdays)
        {
            if (offDays.TryGetValue(day, out var holiday))
            {
                problems.Add($"{at}: {day:yyyy-MM-dd} is both an adjusted workday and a holiday of {holiday}");
            }
        }
    }
}
