namespace Integration.Domain.Kernel;

/// <summary>
/// China Standard Time. China has kept UTC+8 without daylight saving since 1991, so a fixed
/// offset is exact for every date the platform handles and does not depend on the host's tz database.
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The calendar date of <paramref name="instant"/> in China.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The first instant of <paramref name="date"/> in China (00:00 +08:00).</summary>
    public static DateTimeOffset StartOf(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The first instant after <paramref name="date"/> ends in China: the moment a deadline on that day is missed.</summary>
    public static DateTimeOffset EndOf(DateOnly date) => StartOf(date.AddDays(1));

    public static DateTimeOffset ToChina(DateTimeOffset instant) => instant.ToOffset(Offset);
}
