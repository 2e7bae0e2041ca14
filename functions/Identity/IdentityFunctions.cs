using Integration.Functions.Platform;

namespace Integration.Functions.Identity;

public static class IdentityFunctions
{
    public sealed record MeResponse(string Id, string DisplayName, IReadOnlyList<string> Roles, string Municipality);

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("me", HttpMethods.Get, "me", Me, b => b.RequireAuthorization().WithTags("Identity").WithSummary("The calling principal"));
    }

    private static Ok<MeResponse> Me(Caller caller, Domain.Identity.PrincipalRegistry registry) =>
        TypedResults.Ok(new MeResponse(
            caller.Principal.Id,
            caller.Principal.DisplayName,
            caller.Principal.Roles.Select(RoleNames.Of).ToArray(),
            registry.Municipality));
}
