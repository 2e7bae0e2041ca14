using Integration.Functions.Platform.Timers;

namespace Integration.Tests.Platform.Timers;

[Trait("lane", "unit")]
public sealed class CronScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Theory]
    [InlineData("0 */5 * * * *", "2026-02-12T09:02:30+08:00", "2026-02-12T09:05:00+08:00")]
    [InlineData("0 */5 * * * *", "2026-02-12T09:05:00+08:00", "2026-02-12T09:10:00+08:00")]
    [InlineData("*/15 * * * * *", "2026-02-12T09:00:14+08:00", "2026-02-12T09:00:15+08:00")]
    [InlineData("0 30 9 * * 1-5", "2026-02-13T10:00:00+08:00", "2026-02-16T09:30:00+08:00")] // Friday after 9:30 → Monday
    [InlineData("0 0 12 * * MON-FRI", "2026-02-14T08:00:00+08:00", "2026-02-16T12:00:00+08:00")]
    [InlineData("0 0 0 1 1 *", "2026-11-22T08:00:00+08:00", "2027-01-01T00:00:00+08:00")]
    [InlineData("0 0 8 1 JAN,APR,JUL,OCT *", "2026-04-02T00:00:00+08:00", "2026-07-01T08:00:00+08:00")]
    [InlineData("0 0 2 29 2 *", "2026-03-01T00:00:00+08:00", "2028-02-29T02:00:00+08:00")]
    [InlineData("0 0 9 * * 0", "2026-02-12T00:00:00+08:00", "2026-02-15T09:00:00+08:00")] // Sunday as 0
    public void The_next_occurrence_is_the_first_strictly_after(string expression, string after, string expected)
    {
        var next = CronSchedule.Parse(expression).NextAfter(DateTimeOffset.Parse(after, CultureInfo.InvariantCulture), Shanghai);
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), next);
    }

    [Fact]
    public void Schedules_are_read_in_their_time_zone()
    {
        // 09:00 every day in Shanghai is 01:00 UTC.
        var next = CronSchedule.Parse("0 0 9 * * *").NextAfter(new DateTimeOffset(2026, 2, 12, 2, 0, 0, TimeSpan.Zero), Shanghai);
        Assert.Equal(new DateTimeOffset(2026, 2, 13, 1, 0, 0, TimeSpan.Zero), next);
    }

    [Theory]
    [InlineData("0 */5 * * *", "has 5 fields")]
    [InlineData("60 * * * * *", "60")]
    [InlineData("0 0 24 * * *", "24")]
    [InlineData("0 0 0 0 * *", "0 0 0 0 * *")]
    [InlineData("0 0 0 * 13 *", "13")]
    [InlineData("0 0 0 * * FUN", "FUN")]
    [InlineData("0 0 9 * * 7", "7")] // the host's NCrontab takes Sunday only as 0 (or SUN)
    public void A_bad_schedule_is_refused_naming_what_is_wrong(string expression, string reason)
    {
        Assert.False(CronSchedule.TryParse(expression, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
