using Integration.Domain.Calendar;
using Integration.Tests.Support;

namespace Integration.Tests.Calendar;

/// <summary>Every holiday and adjusted working day of the State Council notices for 2024–2026.</summary>
[Trait("lane", "unit")]
public sealed class NoticeDatesTests
{
    public static TheoryData<string, string, string> Holidays() => new()
    {
        { "2024-01-01", "2024-01-01", "元旦" },
        { "2024-02-10", "2024-02-17", "春节" },
        { "2024-04-04", "2024-04-06", "清明节" },
        { "2024-05-01", "2024-05-05", "劳动节" },
        { "2024-06-10", "2024-06-10", "端午节" },
        { "2024-09-15", "2024-09-17", "中秋节" },
        { "2024-10-01", "2024-10-07", "国庆节" },
        { "2025-01-01", "2025-01-01", "元旦" },
        { "2025-01-28", "2025-02-04", "春节" },
        { "2025-04-04", "2025-04-06", "清明节" },
        { "2025-05-01", "2025-05-05", "劳动节" },
        { "2025-05-31", "2025-06-02", "端午节" },
        { "2025-10-01", "2025-10-08", "国庆节、中秋节" },
        { "2026-01-01", "2026-01-03", "元旦" },
        { "2026-02-15", "2026-02-23", "春节" },
        { "2026-04-04", "2026-04-06", "清明节" },
        { "2026-05-01", "2026-05-05", "劳动节" },
        { "2026-06-19", "2026-06-21", "端午节" },
        { "2026-09-25", "2026-09-27", "中秋节" },
        { "2026-10-01", "2026-10-07", "国庆节" },
    };

    public static TheoryData<string, string> AdjustedWorkdays() => new()
    {
        { "2024-02-04", "春节" }, { "2024-02-18", "春节" }, { "2024-04-07", "清明节" },
        { "2024-04-28", "劳动节" }, { "2024-05-11", "劳动节" }, { "2024-09-14", "中秋节" },
        { "2024-09-29", "国庆节" }, { "2024-10-12", "国庆节" },
        { "2025-01-26", "春节" }, { "2025-02-08", "春节" }, { "2025-04-27", "劳动节" },
        { "2025-09-28", "国庆节、中秋节" }, { "2025-10-11", "国庆节、中秋节" },
        { "2026-01-04", "元旦" }, { "2026-02-14", "春节" }, { "2026-02-28", "春节" },
        { "2026-05-09", "劳动节" }, { "2026-09-20", "国庆节" }, { "2026-10-10", "国庆节" },
    };

    [Theory]
    [MemberData(nameof(Holidays))]
    public void Every_day_of_a_holiday_is_a_day_off_with_its_name(string from, string to, string name)
    {
        for (var day = DateOnly.Parse(from, CultureInfo.InvariantCulture); day <= DateOnly.Parse(to, CultureInfo.InvariantCulture); day = day.AddDays(1))
        {
            var described = TestCalendar.Instance.Describe(day);
            Assert.Equal(DayKind.Holiday, described.Kind);
            Assert.Equal(name, described.Holiday);
            Assert.False(described.IsWorkingDay);
            Assert.False(described.Provisional);
        }
    }

    [Theory]
    [MemberData(nameof(Holidays))]
    public void The_days_around_a_holiday_are_ordinary(string from, string to, string name)
    {
        var calendar = TestCalendar.Instance;
        foreach (var day in new[] { DateOnly.Parse(from, CultureInfo.InvariantCulture).AddDays(-1), DateOnly.Parse(to, CultureInfo.InvariantCulture).AddDays(1) })
        {
            var described = calendar.Describe(day);
            Assert.NotEqual(DayKind.Holiday, described.Kind);
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            Assert.True(described.IsWorkingDay == (!weekend || described.Kind == DayKind.AdjustedWorkday), $"{day} next to {name}");
        }
    }

    [Theory]
    [MemberData(nameof(AdjustedWorkdays))]
    public void An_adjusted_weekend_day_is_a_working_day(string date, string holiday)
    {
        var day = DateOnly.Parse(date, CultureInfo.InvariantCulture);
        var described = TestCalendar.Instance.Describe(day);
        Assert.True(day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.Equal(DayKind.AdjustedWorkday, described.Kind);
        Assert.Equal(holiday, described.Holiday);
        Assert.True(described.IsWorkingDay);
    }

    [Fact]
    public void Each_covered_year_has_its_published_number_of_working_days()
    {
        // 2024: 251 and 2025: 248 are the totals announced with the notices; 2026 counted by hand from its notice.
        var calendar = TestCalendar.Instance;
        var working = new Dictionary<int, int>();
        foreach (var year in new[] { 2024, 2025, 2026 })
        {
            var days = 0;
            for (var d = new DateOnly(year, 1, 1); d.Year == year; d = d.AddDays(1))
            {
                days += calendar.IsWorkingDay(d) ? 1 : 0;
            }

            working[year] = days;
        }

        Assert.Equal(new Dictionary<int, int> { [2024] = 251, [2025] = 248, [2026] = 248 }, working);
    }

    [Theory]
    [InlineData("2023-10-02", DayKind.Workday)]
    [InlineData("2027-01-01", DayKind.Workday)]
    [InlineData("2027-01-02", DayKind.Weekend)]
    public void A_year_without_a_notice_knows_only_weekends_and_says_so(string date, DayKind kind)
    {
        var described = TestCalendar.Instance.Describe(DateOnly.Parse(date, CultureInfo.InvariantCulture));
        Assert.Equal(kind, described.Kind);
        Assert.True(described.Provisional);
        Assert.Null(described.Holiday);
    }
}
