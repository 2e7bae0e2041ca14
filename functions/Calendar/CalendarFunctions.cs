using System.Globalization;
using Integration.Domain.Calendar;
using Integration.Domain.Kernel;
using Integration.Functions.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Calendar;

/// <summary>Open endpoints that answer "is this a working day?" and "when is N working days after D due?".</summary>
public sealed class CalendarFunctions(CalendarSource calendar)
{
    /// <summary>The largest N the API accepts: a year of working days is already far beyond any rule.</summary>
    public const int MaxWorkingDays = 365;

    public sealed record DayResponse(string Date, bool IsWorkingDay, string Kind, string? Holiday, bool Provisional);

    public sealed record DeadlineResponse(string From, int WorkingDays, string Deadline, DateTimeOffset DueAt, bool Provisional);

    public static DayResponse ToResponse(CalendarDay day)
    {
        ArgumentNullException.ThrowIfNull(day);
        return new(Format(day.Date), day.IsWorkingDay, KindName(day.Kind), day.Holiday, day.Provisional);
    }

    public static DeadlineResponse ToResponse(WorkingDayDeadline deadline)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        return new(Format(deadline.From), deadline.WorkingDays, Format(deadline.Deadline), ChinaTime.ToChina(deadline.DueAt), deadline.Provisional);
    }

    [Function("calendar-day")]
    [AllowAnonymous]
    [Tags("Calendar")]
    [EndpointSummary("What a date is in China's working-day calendar")]
    public Results<Ok<DayResponse>, ProblemHttpResult> GetDay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "calendar/days/{date}")] HttpRequest request, string date)
    {
        var errors = new FieldErrors();
        if (!TryParseDate(date, out var day))
        {
            errors.Add("date", $"{TextRules.Echo(date)} is not a date in the form yyyy-MM-dd.");
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(ToResponse(calendar.Current.Describe(day)));
    }

    [Function("calendar-deadline")]
    [AllowAnonymous]
    [Tags("Calendar")]
    [EndpointSummary("The deadline N working days after a date or instant (the start day is not counted)")]
    public Results<Ok<DeadlineResponse>, ProblemHttpResult> GetDeadline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "calendar/deadline")] HttpRequest request)
    {
        string? from = request.Query["from"], workingDays = request.Query["workingDays"];
        var errors = new FieldErrors();
        DateOnly start = default;
        if (string.IsNullOrWhiteSpace(from))
        {
            errors.Add("from", "Required: a date (yyyy-MM-dd) or an ISO-8601 instant with an offset.");
        }
        else if (!TryParseDateOrInstant(from, out start, out var problem))
        {
            errors.Add("from", problem);
        }
        else if (!ChinaTime.IsSupported(start))
        {
            errors.Add("from", $"{TextRules.Echo(from)} {ChinaTime.RangeRule}.");
        }

        var n = 0;
        if (string.IsNullOrWhiteSpace(workingDays))
        {
            errors.Add("workingDays", $"Required: a whole number from 1 to {MaxWorkingDays}.");
        }
        else if (!int.TryParse(workingDays, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1 || n > MaxWorkingDays)
        {
            errors.Add("workingDays", $"{TextRules.Echo(workingDays)} is not a whole number from 1 to {MaxWorkingDays}.");
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(ToResponse(calendar.Current.AddWorkingDays(start, n)));
    }

    /// <summary>A plain date is the day D itself; an instant counts from its date in China.</summary>
    internal static bool TryParseDateOrInstant(string text, out DateOnly date, out string problem)
    {
        problem = "";
        if (TryParseDate(text, out date))
        {
            return true;
        }

        if (!text.Contains('T', StringComparison.Ordinal)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            problem = $"{TextRules.Echo(text)} is neither a date (yyyy-MM-dd) nor an ISO-8601 instant.";
            return false;
        }

        if (!HasOffset(text))
        {
            problem = $"{TextRules.Echo(text)} has no offset: add 'Z' or '+08:00' so the day it falls on in China is unambiguous.";
            return false;
        }

        if (!ChinaTime.IsSupported(instant))
        {
            problem = $"{TextRules.Echo(text)} {ChinaTime.RangeRule}.";
            return false;
        }

        date = ChinaTime.DateOf(instant);
        return true;
    }

    private static bool HasOffset(string text)
    {
        var time = text[(text.IndexOf('T', StringComparison.Ordinal) + 1)..];
        return time.EndsWith('Z') || time.EndsWith('z') || time.Contains('+', StringComparison.Ordinal) || time.Contains('-', StringComparison.Ordinal);
    }

    private static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string KindName(DayKind kind) => kind switch
    {
        DayKind.Workday => "workday",
        DayKind.Weekend => "weekend",
        DayKind.Holiday => "holiday",
        DayKind.AdjustedWorkday => "adjusted-workday",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
