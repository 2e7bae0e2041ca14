namespace Integration.Domain.Calendar;

/// <summary>One holiday of a State Council notice: its days off and the weekend days worked in exchange (调休上班).</summary>
public sealed record Holiday(string Name, DateOnly From, DateOnly To, IReadOnlyList<DateOnly> AdjustedWorkdays);

/// <summary>The holiday arrangements of one year, as published in that year's notice.</summary>
public sealed record HolidayYear(int Year, string Notice, IReadOnlyList<Holiday> Holidays);

/// <summary>The validated content of the calendar data file.</summary>
public sealed record CalendarData(IReadOnlyList<HolidayYear> Years);
