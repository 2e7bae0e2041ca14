using Integration.Domain.Calendar;
using Integration.Tests.Support;

namespace Integration.Tests.Calendar;

[Trait("lane", "integration")]
public sealed class CalendarDataFileTests
{
    private const string Source = "calendar.json";

    [Fact]
    public void The_repository_file_is_valid_and_covers_2024_to_2026() =>
        Assert.Equal([2024, 2025, 2026], TestCalendar.Instance.CoveredYears);

    [Fact]
    public void A_malformed_date_is_reported_with_the_file_and_entry()
    {
        var e = Assert.Throws<CalendarDataException>(() => CalendarDataParser.Parse(
            Year(2026, """{ "name": "春节", "from": "2026-02-15", "to": "2026-02-30", "adjustedWorkdays": ["2026-2-14"] }"""), Source));
        Assert.Contains("'calendar.json'", e.Message, StringComparison.Ordinal);
        Assert.Contains("2026 春节: \"to\" \"2026-02-30\" is not a yyyy-MM-dd date", e.Message, StringComparison.Ordinal);
        Assert.Contains("2026 春节: adjustedWorkdays[0] \"2026-2-14\" is not a yyyy-MM-dd date", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_listed_under_two_holidays_is_a_duplicate()
    {
        var e = Assert.Throws<CalendarDataException>(() => CalendarDataParser.Parse(Year(
            2026,
            """{ "name": "中秋节", "from": "2026-09-25", "to": "2026-10-01" }""",
            """{ "name": "国庆节", "from": "2026-10-01", "to": "2026-10-07" }"""), Source));
        Assert.Contains("2026 国庆节: 2026-10-01 is a duplicate, already a holiday of 2026 中秋节", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_adjusted_workday_listed_twice_is_a_duplicate()
    {
        var e = Assert.Throws<CalendarDataException>(() => CalendarDataParser.Parse(Year(
            2026,
            """{ "name": "春节", "from": "2026-02-15", "to": "2026-02-23", "adjustedWorkdays": ["2026-02-14", "2026-02-14"] }"""), Source));
        Assert.Contains("adjusted workday 2026-02-14 is a duplicate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_that_is_both_a_holiday_and_a_working_day_is_refused()
    {
        var e = Assert.Throws<CalendarDataException>(() => CalendarDataParser.Parse(Year(
            2026,
            """{ "name": "春节", "from": "2026-02-14", "to": "2026-02-23", "adjustedWorkdays": ["2026-02-14"] }"""), Source));
        Assert.Contains("2026 春节: 2026-02-14 is both an adjusted workday and a holiday of 2026 春节", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_year_listed_twice_and_a_weekday_as_adjusted_workday_are_refused()
    {
        var json = """
            { "years": [
              { "year": 2026, "holidays": [ { "name": "元旦", "from": "2026-01-01", "to": "2026-01-03", "adjustedWorkdays": ["2026-01-05"] } ] },
              { "year": 2026, "holidays": [] }
            ] }
            """;
        var e = Assert.Throws<CalendarDataException>(() => CalendarDataParser.Parse(json, Source));
        Assert.Contains("2026: the year is listed twice", e.Problems);
        Assert.Contains("2026 元旦: adjustedWorkdays[0] 2026-01-05 is a Monday, not a weekend day", e.Problems);
    }

    [Fact]
    public void Broken_json_names_the_file() =>
        Assert.Contains("'calendar.json'", Assert.Throws<CalendarDataException>(() => CalendarDataParser.Parse("{ \"years\": [", Source)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_app_does_not_start_with_a_bad_calendar_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"calendar-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, Year(2026, """{ "name": "春节", "from": "2026-02-15", "to": "2026-02-23", "adjustedWorkdays": ["2026-02-15"] }"""));
        try
        {
            using var factory = new PlatformFactory().With("Calendar:DataFile", file);
            var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            var message = e is CalendarDataException ? e.Message : e.InnerException?.Message ?? e.Message;
            Assert.Contains(file, message, StringComparison.Ordinal);
            Assert.Contains("2026-02-15 is both an adjusted workday and a holiday", message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Year(int year, params string[] holidays) =>
        $$"""{ "years": [ { "year": {{year}}, "notice": "test", "holidays": [ {{string.Join(", ", holidays)}} ] } ] }""";
}
