using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Routing;
using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Enforcement.Rosters;

/// <summary>The enforcement library's endpoints: each department's officers, and the imported targets.</summary>
public sealed class RosterFunctions(EnforcementRosters rosters, PrincipalRegistry registry, ResponsibilityList responsibilities)
{
    [Function("enforcement-officers-put")]
    [JsonBody(RosterBodies.Officers)]
    [Authorize]
    [Tags("Enforcement")]
    [EndpointSummary("Replace a department's whole officer list (the department or admin)")]
    [BodyLimit(4 * 1024 * 1024)]
    public async Task<Results<Ok<OfficerList>, ProblemHttpResult>> PutOfficers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "enforcement/officers/{department}")] HttpRequest request,
        string department, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (!registry.IsDepartment(department))
        {
            return NoDepartment(department);
        }

        if (caller.Id != department && !caller.Principal.Has(PrincipalRole.Admin))
        {
            return Problems.Forbidden($"Only '{department}' itself or the operator replaces its officer list; '{caller.Id}' may not.");
        }

        var errors = new FieldErrors();
        if (await RequestBody.ReadJsonAsync(request, errors, cancellationToken) is not { } body
            || RosterInputs.Officers(body, errors) is not { } officers)
        {
            return Problems.Validation(errors);
        }

        var (list, taken) = await rosters.ReplaceOfficersAsync(department, officers, caller.Id, cancellationToken);
        return list is not null ? TypedResults.Ok(list) : Problems.Validation(taken!);
    }

    [Function("enforcement-officers-get")]
    [Authorize]
    [Tags("Enforcement")]
    [EndpointSummary("A department's officer list (the department, ndrc, admin)")]
    public async Task<Results<Ok<OfficerList>, ProblemHttpResult>> GetOfficers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enforcement/officers/{department}")] HttpRequest request,
        string department, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (!registry.IsDepartment(department))
        {
            return NoDepartment(department);
        }

        // Credential numbers and recusals are personal and sensitive: the department and the coordinators only.
        if (caller.Id != department && !caller.Principal.SeesEverything)
        {
            return Problems.Forbidden($"The officer list of '{department}' is read by that department, the coordinator and the operator; '{caller.Id}' may not.");
        }

        return TypedResults.Ok(await rosters.ReadOfficersAsync(department, cancellationToken));
    }

    [Function("enforcement-targets-put")]
    [JsonBody(RosterBodies.Targets)]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Enforcement")]
    [EndpointSummary("Replace the whole imported target list (ndrc or admin)")]
    [BodyLimit(32 * 1024 * 1024)]
    public async Task<Results<Ok<ImportedTargetList>, ProblemHttpResult>> PutTargets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "enforcement/targets")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        var errors = new FieldErrors();
        if (await RequestBody.ReadJsonAsync(request, errors, cancellationToken) is not { } body
            || RosterInputs.Targets(body, responsibilities.Industries.Keys.ToArray(), errors) is not { } targets)
        {
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(await rosters.ReplaceImportedTargetsAsync(targets, caller.Id, cancellationToken));
    }

    [Function("enforcement-targets-get")]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Enforcement")]
    [EndpointSummary("The imported target list (ndrc or admin); the approvals' projects are added to it when a roster is frozen")]
    public async Task<Ok<ImportedTargetList>> GetTargets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enforcement/targets")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Ok(await rosters.ImportedTargetsAsync(cancellationToken));
    }

    private static ProblemHttpResult NoDepartment(string department) =>
        Problems.NotFound($"There is no department {TextRules.Echo(department)} in this municipality.");
}
