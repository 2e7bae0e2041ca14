using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Calendar;
using Integration.Domain.Kernel;

namespace Integration.Functions.Console;

/// <summary>A clock as a page shows it: its label, its date in China time, and working days left or 已超期.</summary>
public sealed record ConsoleClock(string Label, string Deadline, int WorkingDaysLeft, bool Overdue, bool Provisional);

/// <summary>One field's problem, named by the label the form shows, so the list reads in Chinese and links to the field.</summary>
public sealed record ConsoleFieldError(string Field, string Label, string Message);

/// <summary>What the lead and plan pages share: clocks counted like 待认领's, China-time dates, form fields read into the API's JSON.</summary>
internal static class ConsoleClocks
{
    /// <summary>Counted as 待认领 counts: working days from today through the deadline, none once it is due.</summary>
    public static ConsoleClock Of(string label, WorkingDayDeadline deadline, DateTimeOffset now, WorkingDayCalendar calendar)
    {
        var overdue = now >= deadline.DueAt;
        var left = overdue ? 0 : calendar.WorkingDaysBetween(ChinaTime.DateOf(now).AddDays(-1), deadline.Deadline);
        return new ConsoleClock(label, deadline.Deadline.ToString("yyyy年M月d日", CultureInfo.InvariantCulture), left, overdue, deadline.Provisional);
    }

    public static string Date(DateTimeOffset instant) =>
        ChinaTime.ToChina(instant).ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A <c>datetime-local</c> value for now in China time (what the browser shows and sends back).</summary>
    public static string LocalInput(DateTimeOffset instant) =>
        ChinaTime.ToChina(instant).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A <c>datetime-local</c> value read as China time; null when it is not one.</summary>
    public static DateTimeOffset? FromLocalInput(string? text)
    {
        string[] formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];
        return DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            && ChinaTime.IsSupported(DateOnly.FromDateTime(local))
            ? new DateTimeOffset(local, ChinaTime.Offset)
            : null;
    }

    /// <summary>The form's values as the body the API would have received, so the same domain rules read them.</summary>
    public static JsonElement Body(JsonObject body) => JsonSerializer.SerializeToElement(body);

    /// <summary>
    /// The domain's field errors (written for API callers) under the form's Chinese labels; a field the form does not
    /// show is listed under its own name.
    /// </summary>
    public static IReadOnlyList<ConsoleFieldError> Labelled(IEnumerable<KeyValuePair<string, string[]>>? errors, IReadOnlyDictionary<string, string> labels) =>
        (errors ?? [])
            .SelectMany(e => e.Value.Select(message =>
            {
                var root = e.Key.Split('[', '.')[0];
                return new ConsoleFieldError(root, labels.TryGetValue(root, out var label) ? label : e.Key, message);
            }))
            .ToArray();
}
