using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Storage;
using Integration.Functions.Approvals.Pull;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Records;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using static Integration.Functions.Approvals.ApprovalResponses;

namespace Integration.Functions.Approvals;

/// <summary>Approval sync and claim (审管互动): push, pull, claim, decline, assign, and the listings.</summary>
public sealed class ApprovalFunctions(
    ApprovalService approvals, ApprovalIndex index, ApprovalQuarantine quarantine, ApprovalPull pull, PrincipalRegistry registry, TimeProvider time)
{
    public sealed record QuarantineResponse(IReadOnlyList<QuarantinedItem> Items, string? NextPageToken);

    /// <summary>Pulls the approval system's feed from the checkpoint on (<c>Connectors:ApprovalSystem:Schedule</c>).</summary>
    [Function("approval-pull")]
    public async Task Pull([TimerTrigger("%Connectors:ApprovalSystem:Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await pull.RunAsync(cancellationToken);

    public static IReadOnlyList<TopicDefinition> Topics(PrincipalRegistry registry) => ApprovalMessages.Topics(registry);

    [Function("approvals-push")]
    [JsonBody(ApprovalBodies.Push)]
    [Authorize(Policy = RoleNames.System)]
    [Tags("Approvals")]
    [EndpointSummary("The approval system pushes a version of an approval (idempotent by approvalId and version)")]
    public async Task<Results<Created<PushResponse>, Ok<PushResponse>, ProblemHttpResult>> Push(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (caller.Id != approvals.SourceSystem)
        {
            return Problems.Forbidden($"Only '{approvals.SourceSystem}' pushes approvals; '{caller.Id}' may not.");
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var errors = new FieldErrors();
        var submission = ApprovalReader.Read(body, approvals.Rules(), errors);
        if (!errors.IsEmpty || submission is null)
        {
            return Problems.Validation(errors);
        }

        var result = await approvals.ReceiveAsync(submission, null, "push", cancellationToken);
        if (result.Outcome == ReceiveOutcome.Conflict)
        {
            return Problems.Conflict(result.Problem!, new Dictionary<string, object?> { ["currentVersion"] = result.Record.State.Current.Version });
        }

        var now = time.GetUtcNow();
        var state = result.Record.State;
        var response = new PushResponse(submission.ApprovalId, submission.Version, result.Outcome.ToString().ToLowerInvariant(), state.Current.Version,
            state.StatusAt(now, approvals.Calendar), state.Parts.Select(p => ApprovalResponses.ToSummary(p, now, approvals.Calendar)).ToArray(), result.Problem);
        return result.Outcome == ReceiveOutcome.Created
            ? TypedResults.Created($"/{Platform.Hosting.FunctionIndex.RoutePrefix}/approvals/{submission.ApprovalId}", response)
            : TypedResults.Ok(response);
    }

    [Function("approvals-list")]
    [Authorize]
    [Tags("Approvals")]
    [EndpointSummary("Approvals routed to the caller (coordinators and admins: all), by status, newest first, paged")]
    public async Task<Results<Ok<ListResponse>, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "approvals")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        string? status = request.Query["status"], department = request.Query["department"], pageSize = request.Query["pageSize"], pageToken = request.Query["pageToken"];
        var errors = new FieldErrors();
        if (status is not null && !ApprovalStatus.Filters.Contains(status))
        {
            errors.Add("status", $"{TextRules.Echo(status)} is not one of: {string.Join(", ", ApprovalStatus.Filters)}.");
        }

        if (department is not null && !registry.IsDepartment(department))
        {
            errors.Add("department", $"{TextRules.Echo(department)} is not a department of {registry.Municipality}.");
        }

        var size = PageSize.Read(pageSize, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        var seesAll = caller.Principal.SeesEverything || caller.Id == approvals.SourceSystem;
        if (!seesAll)
        {
            if (!caller.Principal.Has(PrincipalRole.Department))
            {
                return Problems.Forbidden($"'{caller.Id}' has no approvals to list.");
            }

            if (department is not null && department != caller.Id)
            {
                return Problems.Forbidden($"'{caller.Id}' sees only the approvals routed to it, not those of {TextRules.Echo(department)}.");
            }

            department = caller.Id;
        }

        try
        {
            var now = time.GetUtcNow();
            var calendar = approvals.Calendar;
            var (items, next) = await index.ListAsync(department, status, size, pageToken, now, calendar, cancellationToken);
            return TypedResults.Ok(new ListResponse(items.Select(i => ToSummary(i, department, now, calendar, approvals.IsKnownIndustry)).ToArray(), next));
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.InvalidInput && pageToken is not null)
        {
            errors.Add("pageToken", "Not a page token this listing issued; start again without it.");
            return Problems.Validation(errors);
        }
    }

    [Function("approvals-get")]
    [Authorize]
    [Tags("Approvals")]
    [EndpointSummary("An approval with its versions, routing, claims, deadlines and audit history")]
    public async Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "approvals/{approvalId}")] HttpRequest request, string approvalId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        var record = IsApprovalId(approvalId) ? await approvals.GetAsync(approvalId, cancellationToken) : null;
        if (record is null)
        {
            return Problems.NoSuch("approval", approvalId);
        }

        if (!record.State.IsVisibleTo(caller.Principal, approvals.SourceSystem))
        {
            return Problems.Forbidden($"Approval {approvalId} was not routed to '{caller.Id}'.");
        }

        var history = await approvals.HistoryAsync(approvalId, cancellationToken);
        return TypedResults.Ok(ApprovalResponses.ToResponse(record, history, caller.Principal, registry, time.GetUtcNow(), approvals.Calendar, approvals.IsKnownIndustry));
    }

    [Function("approvals-claim")]
    [NoBody]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Approvals")]
    [EndpointSummary("A department routed the approval claims its part (谁监管、谁认领)")]
    public async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> Claim(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals/{approvalId}/claim")] HttpRequest request, string approvalId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await RefuseAsync(approvalId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }

        return ToResult(await approvals.ClaimAsync(approvalId, caller.Id, cancellationToken), approvalId);
    }

    [Function("approvals-decline")]
    [JsonBody(ApprovalBodies.Decline)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Approvals")]
    [EndpointSummary("A department routed the approval declines it with a reason; it goes back to the coordinator")]
    public async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> Decline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals/{approvalId}/decline")] HttpRequest request, string approvalId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await RefuseAsync(approvalId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var errors = new FieldErrors();
        var reason = new JsonFields(body, errors).String("reason", maxLength: 1000);
        if (!errors.IsEmpty || reason is null)
        {
            return Problems.Validation(errors);
        }

        return ToResult(await approvals.DeclineAsync(approvalId, caller.Id, reason, cancellationToken), approvalId);
    }

    [Function("approvals-assign")]
    [JsonBody(ApprovalBodies.Assign)]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Approvals")]
    [EndpointSummary("The coordinator routes the approval to a department by hand")]
    public async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> Assign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals/{approvalId}/assign")] HttpRequest request, string approvalId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        // The policy admits admins to coordinator reads; assigning is the coordinator's own decision.
        if (!caller.Principal.Has(PrincipalRole.Coordinator))
        {
            return Problems.Forbidden($"Only the coordinator assigns approvals; '{caller.Id}' may not.");
        }

        if (await RefuseAsync(approvalId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var errors = new FieldErrors();
        var department = new JsonFields(body, errors).String("department", maxLength: 64);
        if (department is not null && !registry.IsDepartment(department))
        {
            errors.Add("department", $"{TextRules.Echo(department)} is not a department of {registry.Municipality}.");
        }

        if (!errors.IsEmpty || department is null)
        {
            return Problems.Validation(errors);
        }

        return ToResult(await approvals.AssignAsync(approvalId, caller.Id, department, cancellationToken), approvalId);
    }

    [Function("admin-quarantine")]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Pulled approval records that were not stored, with every reason")]
    public async Task<Results<Ok<QuarantineResponse>, ProblemHttpResult>> Quarantine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/quarantine")] HttpRequest request, CancellationToken cancellationToken)
    {
        string? pageSize = request.Query["pageSize"], pageToken = request.Query["pageToken"];
        var errors = new FieldErrors();
        var size = PageSize.Read(pageSize, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        try
        {
            var (items, next) = await quarantine.ListAsync(size, pageToken, cancellationToken);
            return TypedResults.Ok(new QuarantineResponse(items, next));
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.InvalidInput && pageToken is not null)
        {
            errors.Add("pageToken", "Not a page token this listing issued; start again without it.");
            return Problems.Validation(errors);
        }
    }

    private Results<Ok<CommandResponse>, ProblemHttpResult> ToResult(CommandResult result, string approvalId)
    {
        if (result.Record is not { } record)
        {
            return Problems.NoSuch("approval", approvalId);
        }

        var now = time.GetUtcNow();
        var calendar = approvals.Calendar;
        return result.Outcome switch
        {
            CommandOutcome.NotRouted => Problems.Forbidden(result.Problem!),
            CommandOutcome.Conflict => Problems.Conflict(result.Problem!, new Dictionary<string, object?> { ["claim"] = ApprovalResponses.ToResponse(result.Part!, registry, now, calendar) }),
            _ => TypedResults.Ok(new CommandResponse(approvalId, result.Outcome == CommandOutcome.Changed ? "changed" : "unchanged",
                record.State.StatusAt(now, calendar), ApprovalResponses.ToResponse(result.Part!, registry, now, calendar))),
        };
    }

    private static ApprovalSummary ToSummary(ApprovalIndexEntry entry, string? viewer, DateTimeOffset now, WorkingDayCalendar calendar, Func<string, bool> isKnownIndustry)
    {
        var parts = entry.Parts;
        var deadline = DeadlineFor(parts, viewer, calendar);
        return new ApprovalSummary(entry.ApprovalId, entry.Version, entry.ProjectCode, entry.ProjectName, entry.Industry, isKnownIndustry(entry.Industry), entry.RegionCode, entry.ApprovalKind,
            entry.TenderMethod, entry.ReceivedAt, entry.StatusFor(viewer, now, calendar), deadline is null ? null : ApprovalResponses.ToResponse(deadline),
            parts.Select(p => ApprovalResponses.ToSummary(p, now, calendar)).ToArray());
    }

    /// <summary>
    /// What every approval command answers before it reads a body, as every lead command does: 404 for an
    /// id no approval can have or that is not stored, 403 for a caller the approval does not concern.
    /// </summary>
    private async Task<ProblemHttpResult?> RefuseAsync(string approvalId, Caller caller, CancellationToken cancellationToken)
    {
        if (!IsApprovalId(approvalId) || await approvals.GetAsync(approvalId, cancellationToken) is not { } record)
        {
            return Problems.NoSuch("approval", approvalId);
        }

        return record.State.IsVisibleTo(caller.Principal, approvals.SourceSystem) ? null : Problems.Forbidden($"Approval {approvalId} was not routed to '{caller.Id}'.");
    }

    private static bool IsApprovalId(string approvalId) => ApprovalReader.IsValidId(approvalId);
}
