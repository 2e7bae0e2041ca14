using Integration.Domain.Calendar;

namespace Integration.Tests.Support;

/// <summary>The calendar built from the repository's own data file, as the app loads it.</summary>
public static class TestCalendar
{
    private static readonly Lazy<WorkingDayCalendar> Calendar = new(() =>
        new WorkingDayCalendar(CalendarDataParser.Parse(File.ReadAllText(DataFile), DataFile)));

    public static WorkingDayCalendar Instance => Calendar.Value;

    public static string DataFile => Path.Combine(RepositoryRoot.Path, "functions", "Calendar", "china-working-days.json");
}

public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Integration.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Integration.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Path => Root.Value;
}
