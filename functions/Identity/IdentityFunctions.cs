using Integration.Functions.Platform;

namespace Integration.Functions.Identity;

public static class IdentityFunctions
{
    public sealed record MeResponse(string Id, string DisplayName, IReadOnlyList<string> Roles, string Municipality);

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("me", HttpMethods.Get, "me", Me, b => b.RequireAuthorization().WithTags("Identity").WithSummary("The calling principal"));
        functions.Http("principals", HttpMethods.Get, "principals", List, b => b.RequireAuthorization(RoleNames.Coordinator).WithTags("Identity")
            .WithSummary("The departments and systems of the municipality (coordinators and admins)"));
    }

    private static Ok<MeResponse[]> List(Domain.Identity.PrincipalRegistry registry) =>
        TypedResults.Ok(registry.All.Select(p => ToResponse(p, registry)).ToArray());

    private static MeResponse ToResponse(Domain.Identity.Principal p, Domain.Identity.PrincipalRegistry registry) =>
        new(p.Id, p.DisplayName, p.Roles.Select(RoleNames.Of).ToArray(), registry.Municipality);

    private static Ok<MeResponse> Me(Caller caller, Domain.Identity.PrincipalRegistry registry) =>
        TypedResults.Ok(ToResponse(caller.Principal, registry));
}
