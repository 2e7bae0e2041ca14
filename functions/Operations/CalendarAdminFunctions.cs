using Integration.Domain.Calendar;
using Integration.Functions.Calendar;
using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Records;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Operations;

/// <summary>Loads an edited calendar file without a restart and recounts the provisional deadlines it settles.</summary>
public sealed class CalendarAdminFunctions(CalendarSource calendar, WorkingDayDeadlines deadlines)
{
    public sealed record ReloadResponse(IReadOnlyList<int> CoveredYears, int DeadlinesRecounted);

    [Function("admin-calendar-reload")]
    [NoBody]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Reload the calendar data file and recount provisional deadlines")]
    public async Task<Results<Ok<ReloadResponse>, ProblemHttpResult>> Reload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operations/calendar/reload")] HttpRequest request, CancellationToken cancellationToken)
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
