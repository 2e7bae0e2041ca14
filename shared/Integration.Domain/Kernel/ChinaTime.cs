namespace Integration.Domain.Kernel;

/// <summary>
/// China Standard Time. China has kept UTC+8 without daylight saving since 1991, so a fixed
/// offset is exact for every date the platform handles and does not depend on the host's tz database.
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>
    /// The first and last dates the platform computes with. Far enough inside DateTime's range that
    /// converting an instant to China and counting any deadline from it (at most
    /// <c>WorkingDayCalendar.MaxWorkingDays</c> working days, about 14 years) cannot overflow.
    /// </summary>
    public static readonly DateOnly FirstDate = new(1900, 1, 1);

    /// <inheritdoc cref="FirstDate"/>
    public static readonly DateOnly LastDate = new(9000, 12, 31);

    public const string RangeRule = "must lie in the years 1900 to 9000";

    public static bool IsSupported(DateOnly date) => date >= FirstDate && date <= LastDate;

    /// <summary>Checked on the UTC date, so the test itself cannot overflow.</summary>
    public static bool IsSupported(DateTimeOffset instant) => IsSupported(DateOnly.FromDateTime(instant.UtcDateTime));

    /// <summary>The calendar date of <paramref name="instant"/> in China.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The first instant of <paramref name="date"/> in China (00:00 +08:00).</summary>
    public static DateTimeOffset StartOf(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The first instant after <paramref name="date"/> ends in China: the moment a deadline on that day is missed.</summary>
    public static DateTimeOffset EndOf(DateOnly date) => StartOf(date.AddDays(1));

    public static DateTimeOffset ToChina(DateTimeOffset instant) => instant.ToOffset(Offset);
}
