using System.Globalization;
using System.Text.RegularExpressions;
using Integration.Domain.Kernel;

namespace Integration.Domain.Reports;

/// <summary>How often a municipality reports: quarterly (威海), half-yearly (修武), every two months (沙市).</summary>
public enum ReportCadence
{
    Quarter,
    HalfYear,
    TwoMonth,
}

/// <summary>
/// A reporting period in China dates: <c>2026Q4</c> (October–December), <c>2026H2</c> (July–December), <c>2026B6</c>
/// (November–December). <see cref="From"/> is the first day, <see cref="Until"/> the day after the last.
/// </summary>
public sealed partial record ReportPeriod(string Name, DateOnly From, DateOnly Until)
{
    public DateTimeOffset Start => ChinaTime.StartOf(From);

    public DateTimeOffset End => ChinaTime.StartOf(Until);

    public DateOnly Last => Until.AddDays(-1);

    /// <summary>The period, or why the text is not one.</summary>
    public static (ReportPeriod? Period, string? Problem) Parse(string? text)
    {
        var match = text is null ? null : Shape().Match(text);
        if (match is not { Success: true })
        {
            return (null, $"{TextRules.Echo(text)} is not a period: a year and Q1–Q4, H1–H2 or B1–B6 in half-width (ASCII) characters (半角字符), e.g. 2026Q4, 2026H2, 2026B6.");
        }

        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        var (months, count) = match.Groups["kind"].Value switch
        {
            "Q" => (3, 4),
            "H" => (6, 2),
            _ => (2, 6),
        };
        if (year is < 2000 or > 8999 || n < 1 || n > count)
        {
            return (null, $"{TextRules.Echo(text)} is not a period: the year must be from 2000 to 8999 and the number from 1 to {count}.");
        }

        var from = new DateOnly(year, ((n - 1) * months) + 1, 1);
        return (new ReportPeriod(text!, from, from.AddMonths(months)), null);
    }

    /// <summary>The period of <paramref name="cadence"/> that holds <paramref name="date"/>.</summary>
    public static ReportPeriod Containing(DateOnly date, ReportCadence cadence)
    {
        var (letter, months) = cadence switch
        {
            ReportCadence.Quarter => ('Q', 3),
            ReportCadence.HalfYear => ('H', 6),
            _ => ('B', 2),
        };
        var n = ((date.Month - 1) / months) + 1;
        return Parse(string.Create(CultureInfo.InvariantCulture, $"{date.Year}{letter}{n}")).Period!;
    }

    /// <summary>The period just ended before <paramref name="date"/>'s period (what the timer reports on).</summary>
    public static ReportPeriod Previous(DateOnly date, ReportCadence cadence) => Containing(Containing(date, cadence).From.AddDays(-1), cadence);

    // ASCII digits only: \d also matches full-width and other scripts' digits, which int.Parse refuses.
    [GeneratedRegex(@"^(?<year>[0-9]{4})(?<kind>[QHB])(?<n>[0-9])\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
