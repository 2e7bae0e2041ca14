using Integration.Domain.Calendar;
using Integration.Functions.Calendar;
using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Operations;

/// <summary>Loads an edited calendar file without a restart and recounts the provisional deadlines it settles.</summary>
public static class CalendarAdminFunctions
{
    public sealed record ReloadResponse(IReadOnlyList<int> CoveredYears, int DeadlinesRecounted);

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("admin-calendar-reload", HttpMethods.Post, "admin/calendar/reload", Reload, b => b.RequireAuthorization(RoleNames.Admin).WithTags("Operations")
            .WithSummary("Reload the calendar data file and recount provisional deadlines"));
    }

    private static async Task<Results<Ok<ReloadResponse>, ProblemHttpResult>> Reload(CalendarSource calendar, WorkingDayDeadlines deadlines, CancellationToken cancellationToken)
    {
        WorkingDayCalendar loaded;
        try
        {
            loaded = calendar.Reload();
        }
        catch (CalendarDataException e)
        {
            return TypedResults.Problem(
                detail: "The calendar file was not loaded; the previous calendar stays in force.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The calendar data file is invalid.",
                extensions: new Dictionary<string, object?> { ["file"] = calendar.FilePath, ["problems"] = e.Problems });
        }

        var recounted = await deadlines.RecountProvisionalAsync(cancellationToken);
        return TypedResults.Ok(new ReloadResponse(loaded.CoveredYears, recounted));
    }
}
