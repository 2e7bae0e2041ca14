using Integration.Domain.Calendar;
using Integration.Tests.Support;

namespace Integration.Tests.Calendar;

[Trait("lane", "unit")]
public sealed class DeadlineTests
{
    private static WorkingDayCalendar Calendar => TestCalendar.Instance;

    [Theory]
    [InlineData("2026-02-12", 3, "2026-02-24")] // 2/13 Fri, 2/14 adjusted Saturday, then 2/24 after the Spring Festival
    [InlineData("2026-02-12", 1, "2026-02-13")]
    [InlineData("2026-02-13", 1, "2026-02-14")] // the adjusted Saturday counts
    [InlineData("2026-02-14", 1, "2026-02-24")]
    [InlineData("2026-02-27", 1, "2026-02-28")] // the second adjusted Saturday
    [InlineData("2026-04-30", 3, "2026-05-08")] // 5/1–5/5 off: 5/6, 5/7, 5/8
    [InlineData("2026-04-30", 4, "2026-05-09")] // the adjusted Saturday 5/9
    [InlineData("2026-09-30", 1, "2026-10-08")]
    [InlineData("2026-09-18", 1, "2026-09-20")] // adjusted Sunday before National Day
    [InlineData("2025-09-30", 2, "2025-10-10")] // 10/1–10/8 off, 10/9 Thu, 10/10 Fri
    [InlineData("2025-01-24", 2, "2025-01-27")] // Fri → adjusted Sun 1/26, Mon 1/27
    [InlineData("2024-02-08", 2, "2024-02-18")] // Thu → Fri 2/9, then the adjusted Sunday 2/18
    [InlineData("2024-12-31", 1, "2025-01-02")]
    [InlineData("2025-12-31", 1, "2026-01-04")] // 1/1–1/3 off, 1/4 is an adjusted Sunday
    public void A_deadline_counts_working_days_after_the_start_day(string from, int n, string expected)
    {
        var deadline = Calendar.AddWorkingDays(D(from), n);
        Assert.Equal(D(expected), deadline.Deadline);
        Assert.Equal(new DateTimeOffset(D(expected).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)), deadline.DueAt);
        Assert.False(deadline.Provisional);
    }

    [Fact]
    public void An_instant_counts_from_its_date_in_China()
    {
        // 23:30 on 30 April in China is still 30 April; 16:00 UTC on 30 April is already 1 May there.
        Assert.Equal(D("2026-04-30"), Calendar.AddWorkingDays(DateTimeOffset.Parse("2026-04-30T23:30:00+08:00", CultureInfo.InvariantCulture), 3).From);
        Assert.Equal(D("2026-05-01"), Calendar.AddWorkingDays(DateTimeOffset.Parse("2026-04-30T16:00:00Z", CultureInfo.InvariantCulture), 3).From);
        Assert.Equal(D("2026-05-08"), Calendar.AddWorkingDays(DateTimeOffset.Parse("2026-04-30T16:00:00Z", CultureInfo.InvariantCulture), 3).Deadline);
    }

    [Fact]
    public void A_count_that_reaches_a_year_without_a_notice_is_provisional()
    {
        var deadline = Calendar.AddWorkingDays(D("2026-12-30"), 3);
        Assert.Equal(D("2027-01-04"), deadline.Deadline); // 12/31 Thu, 1/1 Fri (no notice yet: a workday), 1/4 Mon
        Assert.True(deadline.Provisional);
        Assert.False(Calendar.AddWorkingDays(D("2026-12-28"), 3).Provisional);
    }

    [Fact]
    public void Working_days_between_excludes_the_start_and_includes_the_end()
    {
        Assert.Equal(3, Calendar.WorkingDaysBetween(D("2026-02-12"), D("2026-02-24")));
        Assert.Equal(0, Calendar.WorkingDaysBetween(D("2026-02-15"), D("2026-02-23")));
        Assert.Equal(0, Calendar.WorkingDaysBetween(D("2026-02-24"), D("2026-02-12")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(WorkingDayCalendar.MaxWorkingDays + 1)]
    public void A_count_out_of_range_is_refused(int n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingDays(D("2026-01-05"), n));

    private static DateOnly D(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);
}
