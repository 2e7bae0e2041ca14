using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Operations;

/// <summary>Deadlines whose handler kept failing, with why, and a way to make one due again once the cause is fixed.</summary>
public static class StuckDeadlineFunctions
{
    private const int MaxListed = 500;

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("admin-stuck-deadlines", HttpMethods.Get, "admin/stuck-deadlines", List, b => b.RequireAuthorization(RoleNames.Admin).WithTags("Operations")
            .WithSummary($"Deadlines set aside after {DeadlineSweep.MaxAttempts} failed attempts, with the last reason"));
        functions.Http("admin-stuck-deadline-retry", HttpMethods.Post, "admin/stuck-deadlines/{id}/retry", Retry, b => b.RequireAuthorization(RoleNames.Admin).WithTags("Operations")
            .WithSummary("Make a stuck deadline due again, with a fresh count of attempts"));
    }

    private static async Task<Ok<IReadOnlyList<StuckDeadline>>> List(StuckDeadlines stuck, CancellationToken cancellationToken) =>
        TypedResults.Ok(await stuck.ListAsync(MaxListed, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> Retry(string id, StuckDeadlines stuck, CancellationToken cancellationToken) =>
        await stuck.RetryAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("There is no stuck deadline with this id.");
}
