using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Identity;

public sealed class IdentityFunctions(Domain.Identity.PrincipalRegistry registry)
{
    public sealed record MeResponse(string Id, string DisplayName, IReadOnlyList<string> Roles, string Municipality);

    [Function("principals")]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Identity")]
    [EndpointSummary("The departments and systems of the municipality (coordinators and admins)")]
    public Ok<MeResponse[]> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "principals")] HttpRequest request) =>
        TypedResults.Ok(registry.All.Select(p => ToResponse(p, registry)).ToArray());

    private static MeResponse ToResponse(Domain.Identity.Principal p, Domain.Identity.PrincipalRegistry registry) =>
        new(p.Id, p.DisplayName, p.Roles.Select(RoleNames.Of).ToArray(), registry.Municipality);

    [Function("me")]
    [Authorize]
    [Tags("Identity")]
    [EndpointSummary("The calling principal")]
    public Ok<MeResponse> Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request) =>
        TypedResults.Ok(ToResponse(Caller.Of(request).Principal, registry));
}
