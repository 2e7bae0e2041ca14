using Integration.Domain.Calendar;

namespace Integration.Functions.Calendar;

/// <summary>
/// Holds the working-day calendar read from the data file (<c>Calendar:DataFile</c>). The file is
/// read and checked when the app starts, so a bad edit stops start-up instead of skewing deadlines.
/// </summary>
public sealed class CalendarSource
{
    public const string DefaultFile = "Calendar/china-working-days.json";

    private WorkingDayCalendar current;

    public CalendarSource(string filePath)
    {
        FilePath = filePath;
        current = Load(filePath);
    }

    public string FilePath { get; }

    public WorkingDayCalendar Current => Volatile.Read(ref current);

    /// <summary>Reads the file again; on error the current calendar stays and the exception says why.</summary>
    public WorkingDayCalendar Reload()
    {
        var loaded = Load(FilePath);
        Volatile.Write(ref current, loaded);
        return loaded;
    }

    public static CalendarSource FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var file = configuration["Calendar:DataFile"] ?? DefaultFile;
        return new CalendarSource(Path.IsPathRooted(file) ? file : Path.Combine(environment.ContentRootPath, file));
    }

    private static WorkingDayCalendar Load(string filePath)
    {
        if (!File.Exists(filePath))
        {
            throw new CalendarDataException(filePath, ["the file does not exist"]);
        }

        return new WorkingDayCalendar(CalendarDataParser.Parse(File.ReadAllText(filePath), filePath));
    }
}
