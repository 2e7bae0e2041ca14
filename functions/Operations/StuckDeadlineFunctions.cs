using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Records;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Operations;

/// <summary>Deadlines whose handler kept failing, with why, and a way to make one due again once the cause is fixed.</summary>
public sealed class StuckDeadlineFunctions(StuckDeadlines stuck)
{
    private const int MaxListed = 500;

    [Function("admin-stuck-deadlines")]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Deadlines set aside after repeated failed attempts, with the last reason")]
    public async Task<Ok<IReadOnlyList<StuckDeadline>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/stuck-deadlines")] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok(await stuck.ListAsync(MaxListed, cancellationToken));

    [Function("admin-stuck-deadline-retry")]
    [NoBody]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Make a stuck deadline due again, with a fresh count of attempts")]
    public async Task<Results<NoContent, ProblemHttpResult>> Retry(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operations/stuck-deadlines/{id}/retry")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await stuck.RetryAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("There is no stuck deadline with this id.");
}
