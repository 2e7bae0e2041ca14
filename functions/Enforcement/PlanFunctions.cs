using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Records;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Enforcement;

/// <summary>
/// Joint-enforcement plans (联合执法 / 部门联合双随机抽查): an initiator drafts a plan, the participants agree it, the
/// coordinator approves it, the participants draw targets and officers together (DRAW-v1), the officers' departments
/// enter results, and the lead department publishes them.
/// </summary>
public sealed class PlanFunctions(PlanService plans, IPlanRoster roster, FindingLeadRelay findingLeads, Leads.LeadService leads)
{

    private delegate PlanDecision Command(PlanState state, Caller caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, PlanService plans);

    /// <summary><c>enforcement</c>: one subscription per department, each filtered on its own id.</summary>
    public static IReadOnlyList<TopicDefinition> Topics(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return [TopicDefinition.PerPrincipal(PlanService.Topic, registry.All.Where(p => p.Has(PrincipalRole.Department)))];
    }

    [Function("plan-create")]
    [JsonBody(PlanBodies.Plan)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("Start a joint-enforcement plan; the participants are asked to confirm it")]
    public async Task<Results<Created<PlanView>, Ok<PlanView>, ProblemHttpResult>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans")] HttpRequest request,
        [DurableClient] DurableTaskClient? client,
        CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var outcome = await plans.CreateAsync(caller.Principal, body, client, cancellationToken);
        if (outcome.Rejection is { } rejection)
        {
            return Problem(rejection, outcome.Record, caller);
        }

        var view = PlanViews.For(outcome.Record!, plans.Calendar);
        return outcome.Created
            ? TypedResults.Created($"/{Platform.Hosting.FunctionIndex.RoutePrefix}/enforcement/plans/{Uri.EscapeDataString(view.PlanId)}", view)
            : TypedResults.Ok(view);
    }

    [Function("plan-amend")]
    [JsonBody(PlanBodies.Plan)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("The initiator amends a plan (after an objection); consultation starts again")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Amend(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "enforcement/plans/{planId}")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, calendar, p) =>
        {
            var errors = new FieldErrors();
            var input = PlanInputs.Plan(body, errors, ChinaTime.DateOf(now), p.Catalogue);
            return PlanMachine.Amend(s, c.Id, input, errors, now, calendar, p.Rules);
        }, cancellationToken);

    [Function("plan-confirm")]
    [NoBody]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("A participant confirms the plan (会商)")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/confirm")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: false, (s, c, _, now, _, p) => PlanMachine.Confirm(s, c.Id, now, p.Rules), cancellationToken);

    [Function("plan-object")]
    [JsonBody(PlanBodies.Reason)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("A participant objects to the plan with a reason; it returns to the initiator")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Object(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/object")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, _, p) => PlanMachine.Object(s, c.Id, body, now, p.Rules), cancellationToken);

    [Function("plan-approve")]
    [NoBody]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Enforcement")]
    [EndpointSummary("The coordinator approves a confirmed plan; the roster is frozen and the commitments open")]
    public async Task<Results<Ok<PlanView>, ProblemHttpResult>> Approve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/approve")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await VisibleAsync(planId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }

        return Answer(await plans.ApproveAsync(planId, caller.Principal, roster, client, cancellationToken), planId, caller);
    }

    [Function("plan-draw-restart")]
    [NoBody]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Enforcement")]
    [EndpointSummary("The coordinator restarts the draw's commitments (a missed reveal, a failed draw); the roster is frozen again")]
    public async Task<Results<Ok<PlanView>, ProblemHttpResult>> Restart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/draw/restart")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await VisibleAsync(planId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }

        return Answer(await plans.RestartAsync(planId, caller.Principal, roster, client, cancellationToken), planId, caller);
    }

    [Function("plan-draw-commit")]
    [JsonBody(PlanBodies.Commit)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("A participant commits to its secret nonce: { commitment } = SHA-256 hex of the nonce")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Commit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/draw/commitments")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, calendar, p) => PlanMachine.Commit(s, c.Id, body, now, calendar, p.Rules), cancellationToken);

    [Function("plan-draw-reveal")]
    [JsonBody(PlanBodies.Reveal)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("A participant reveals its nonce; the last reveal draws and dispatches the tasks")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Reveal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/draw/reveals")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, calendar, p) => PlanMachine.Reveal(s, c.Id, body, now, calendar, p.Rules), cancellationToken);

    [Function("plan-task-result")]
    [JsonBody(PlanBodies.Result)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("A department of the task's officers enters its result")]
    // Up to PlanInputs.MaxFindings findings of a few hundred characters each.
    [BodyLimit(1024 * 1024)]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Result(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/tasks/{taskId}/result")] HttpRequest request,
        string planId, string taskId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, calendar, p) => PlanMachine.Result(s, c.Id, taskId, body, p.IsDepartment, now, calendar, p.Rules), cancellationToken);

    [Function("plan-task-recusal")]
    [JsonBody(PlanBodies.Recusal)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("A department of the task reports an officer stepping aside (回避) after the draw: { officerId, reason }; the replacement is re-drawn from the seed")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Recusal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/tasks/{taskId}/recusals")] HttpRequest request,
        string planId, string taskId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, _, _) => PlanMachine.Recuse(s, c.Id, taskId, body, now), cancellationToken);

    [Function("plan-task-exception")]
    [JsonBody(PlanBodies.Reason)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("A department of the task or the lead department reports that the task cannot go on (target unreachable): { reason }")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> TaskException(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/tasks/{taskId}/exception")] HttpRequest request,
        string planId, string taskId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, _, p) => PlanMachine.ReportException(s, c.Id, taskId, body, now, p.Rules), cancellationToken);

    [Function("plan-suspend")]
    [JsonBody(PlanBodies.Reason)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("The coordinator or the lead department suspends the plan: { reason }; its clocks stand still until it is resumed")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Suspend(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/suspend")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, calendar, p) =>
            PlanMachine.Suspend(s, c.Id, c.Principal.Has(PrincipalRole.Coordinator), body, now, calendar, p.Rules), cancellationToken);

    [Function("plan-resume")]
    [NoBody]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("The coordinator or the lead department resumes a suspended plan; every paused clock gets back the working days it had left")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/resume")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: false, (s, c, _, now, calendar, p) =>
            PlanMachine.Resume(s, c.Id, c.Principal.Has(PrincipalRole.Coordinator), now, calendar, p.Rules), cancellationToken);

    [Function("plan-finding-lead")]
    [JsonBody(PlanBodies.FindingLead)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("ndrc or the department that entered it turns a bid-rigging or fraud finding into a lead for the lead relay (one lead per finding)")]
    public async Task<Results<Created<Leads.LeadView>, Ok<Leads.LeadView>, ProblemHttpResult>> FindingLead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/tasks/{taskId}/findings/{finding}/lead")] HttpRequest request,
        string planId, string taskId, string finding, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await ReadableAsync(planId, caller, cancellationToken) is not { } plan)
        {
            return await RefusalAsync(planId, caller, cancellationToken);
        }

        if (!PlanReaders.IsParty(plan.State, caller.Id, caller.Principal.SeesEverything))
        {
            return Problems.Forbidden($"Only the coordinator or the department that entered a finding of plan {planId} may turn it into a lead; '{caller.Id}' was sent a letter of it only.");
        }

        if (!int.TryParse(finding, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Problems.NotFound($"Task {TextRules.Echo(taskId)} of plan {planId} has no finding {TextRules.Echo(finding)}: findings are numbered 0, 1, 2 … in the order of the result.");
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var outcome = await findingLeads.CreateAsync(plan, taskId, index, caller.Principal, body, client, cancellationToken);
        if (outcome.Rejection is { } rejection)
        {
            return Problem(rejection, plan, caller);
        }

        var view = Leads.LeadViews.For(outcome.Lead!.State, caller.Principal, leads.Calendar, leads.Now, leads.Rules.Coordinator);
        return outcome.Created
            ? TypedResults.Created($"/{Platform.Hosting.FunctionIndex.RoutePrefix}/leads/{Uri.EscapeDataString(view.LeadId)}", view)
            : TypedResults.Ok(view);
    }

    [Function("plan-assistance-answer")]
    [JsonBody(PlanBodies.AssistanceAnswer)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("The department asked for assistance (协助办理函) answers: { accepted, reply }")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> AnswerAssistance(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/assistance/{letterId}/answer")] HttpRequest request,
        string planId, string letterId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: true, (s, c, body, now, calendar, _) => PlanMachine.AnswerAssistance(s, c.Id, letterId, body, now, calendar), cancellationToken);

    [Function("plan-publish")]
    [NoBody]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Enforcement")]
    [EndpointSummary("The lead department publishes the results; the plan closes with a summary per department")]
    public Task<Results<Ok<PlanView>, ProblemHttpResult>> Publish(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enforcement/plans/{planId}/publish")] HttpRequest request,
        string planId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
        ActAsync(planId, request, client, readBody: false, (s, c, _, now, calendar, p) => PlanMachine.Publish(s, c.Id, now, calendar, p.Rules), cancellationToken);

    [Function("plan-get")]
    [Authorize]
    [Tags("Enforcement")]
    [EndpointSummary("One plan: stage, deadlines, who has and hasn't acted, and its history")]
    public async Task<Results<Ok<PlanView>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enforcement/plans/{planId}")] HttpRequest request, string planId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await ReadableAsync(planId, caller, cancellationToken) is not { } record)
        {
            return await RefusalAsync(planId, caller, cancellationToken);
        }

        // The history holds every result and finding: parties read it, a department sent only a letter does not.
        var party = PlanReaders.IsParty(record.State, caller.Id, caller.Principal.SeesEverything);
        var history = party ? await plans.HistoryAsync(planId, cancellationToken) : null;
        return TypedResults.Ok(PlanViews.For(record, plans.Calendar, history));
    }

    [Function("plan-draw")]
    [Authorize]
    [Tags("Enforcement")]
    [EndpointSummary("The plan's draw: roster, rosterHash, commitments; nonces, seed and selection once all have revealed")]
    public async Task<Results<Ok<JsonNode>, ProblemHttpResult>> Draw(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enforcement/plans/{planId}/draw")] HttpRequest request, string planId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await ReadableAsync(planId, caller, cancellationToken) is not { } record)
        {
            return await RefusalAsync(planId, caller, cancellationToken);
        }

        return record.State.Draw is null
            ? NotYet(record.State, "has no draw yet: the roster is frozen when the coordinator approves the plan")
            : TypedResults.Ok(PlanViews.Draw((await plans.WithRosterAsync(record, cancellationToken)).State));
    }

    [Function("plan-draw-verify")]
    [Authorize]
    [Tags("Enforcement")]
    [EndpointSummary("Recomputes the published draw record (DRAW-v1) and answers whether it is valid")]
    public async Task<Results<Ok<DrawVerifyView>, ProblemHttpResult>> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enforcement/plans/{planId}/draw/verify")] HttpRequest request, string planId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await ReadableAsync(planId, caller, cancellationToken) is not { } record)
        {
            return await RefusalAsync(planId, caller, cancellationToken);
        }

        if (record.State.Draw?.Record is null)
        {
            return NotYet(record.State, "has not been drawn yet");
        }

        var drawn = (await plans.WithRosterAsync(record, cancellationToken)).State.Draw!.Record!;

        // Verified as published: the record goes through its public JSON, as a verifier outside would read it.
        var (published, problem) = DrawRecordJson.Read(DrawRecordJson.Write(drawn));
        var verification = published is null ? DrawVerification.Invalid(problem!) : DrawEngine.Verify(published);
        return TypedResults.Ok(new DrawVerifyView(planId, verification.IsValid, verification.Mismatch));
    }

    [Function("plan-tasks")]
    [Authorize]
    [Tags("Enforcement")]
    [EndpointSummary("The plan's tasks: target, officers, departments, status and result")]
    public async Task<Results<Ok<TaskPage>, ProblemHttpResult>> Tasks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enforcement/plans/{planId}/tasks")] HttpRequest request, string planId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (await ReadableAsync(planId, caller, cancellationToken) is not { } record)
        {
            return await RefusalAsync(planId, caller, cancellationToken);
        }

        return TypedResults.Ok(PlanViews.Tasks(record.State));
    }

    [Function("plan-list")]
    [Authorize]
    [Tags("Enforcement")]
    [EndpointSummary("Plans the caller takes part in (coordinator and operator: all), by stage (paged)")]
    public async Task<Results<Ok<PlanPage>, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enforcement/plans")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        string? status = request.Query["status"], pageSize = request.Query["pageSize"], pageToken = request.Query["pageToken"];
        var errors = new FieldErrors();
        if (status is not null && !PlanNames.Stages.Contains(status))
        {
            errors.Add("status", $"{TextRules.Echo(status)} is not one of: {string.Join(", ", PlanNames.Stages)}.");
        }

        var size = PageSize.Read(pageSize, errors);

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        if (await plans.ListAsync(caller.Id, caller.Principal.SeesEverything, status, size, pageToken, cancellationToken) is not { } page)
        {
            errors.Add("pageToken", "Not a page token this listing issued; start again without it.");
            return Problems.Validation(errors);
        }

        // A listing row has no tasks or letters; a department listed only for a letter it was sent sees no summary either.
        return TypedResults.Ok(new PlanPage(
            page.Items.Select(s => PlanViews.For(PlanReaders.IsParty(s, caller.Id, caller.Principal.SeesEverything) ? s : s with { Summary = [] }, plans.Calendar)).ToArray(),
            page.NextPageToken));
    }

    [Function("plan-public")]
    [AllowAnonymous]
    [Tags("Enforcement")]
    [EndpointSummary("The public record of a drawn plan: matters, draw record and results, without officers' credentials, recusals or findings")]
    public async Task<Results<Ok<PublicPlanView>, ProblemHttpResult>> Public(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "public/enforcement/{planId}")] HttpRequest request, string planId, CancellationToken cancellationToken)
    {
        _ = request;
        // Until its draw is made a plan is the departments' working document, not public.
        if (!RecordId.IsValid(planId) || await plans.GetAsync(planId, cancellationToken) is not { State.Draw.Record: not null } record)
        {
            return Problems.NotFound($"No drawn plan {(RecordId.IsValid(planId) ? planId : TextRules.Echo(planId))} is public.");
        }

        return TypedResults.Ok(PlanViews.Public((await plans.WithRosterAsync(record, cancellationToken)).State, plans.Calendar, plans.Now));
    }

    private async Task<Results<Ok<PlanView>, ProblemHttpResult>> ActAsync(
        string planId, HttpRequest request, DurableTaskClient? client, bool readBody, Command command, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        // Whoever may not even read the plan is refused before its body is read.
        if (await VisibleAsync(planId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }

        JsonElement body = default;
        if (readBody)
        {
            var (json, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
            if (invalid is not null)
            {
                return invalid;
            }

            body = json;
        }

        var outcome = await plans.ActAsync(planId, caller.Id, client, (state, now, calendar) => command(state, caller, body, now, calendar, plans), cancellationToken);
        return Answer(outcome, planId, caller);
    }

    private Results<Ok<PlanView>, ProblemHttpResult> Answer(PlanOutcome outcome, string planId, Caller caller)
    {
        if (outcome.Record is null)
        {
            return Problems.NoSuch("plan", planId);
        }

        return outcome.Rejection is { } rejection ? Problem(rejection, outcome.Record, caller)
            : Scoped(outcome.Record, caller) is { } scoped ? TypedResults.Ok(PlanViews.For(scoped, plans.Calendar))
            : Problems.Forbidden($"'{caller.Id}' takes no part in plan {planId}.");
    }

    /// <summary>Null when the caller may read the plan; otherwise the 404 or 403 to answer.</summary>
    private async Task<ProblemHttpResult?> VisibleAsync(string planId, Caller caller, CancellationToken cancellationToken) =>
        await ReadableAsync(planId, caller, cancellationToken) is null ? await RefusalAsync(planId, caller, cancellationToken) : null;

    /// <summary>The plan as the caller may read it (<see cref="PlanReaders.Scope"/>), or null.</summary>
    private async Task<Record<PlanState>?> ReadableAsync(string planId, Caller caller, CancellationToken cancellationToken) =>
        RecordId.IsValid(planId) && await plans.GetAsync(planId, cancellationToken) is { } record ? Scoped(record, caller) : null;

    /// <summary>
    /// A department sent only an assistance letter reads the letter and the task it concerns, with the deadlines of its
    /// letters alone; parties, the coordinator and the operator read the whole record.
    /// </summary>
    private static Record<PlanState>? Scoped(Record<PlanState> record, Caller caller)
    {
        if (PlanReaders.Scope(record.State, caller.Id, caller.Principal.SeesEverything) is not { } state)
        {
            return null;
        }

        if (ReferenceEquals(state, record.State))
        {
            return record;
        }

        var letters = state.Letters.Select(l => l.LetterId).ToHashSet(StringComparer.Ordinal);
        return record with { State = state, Deadlines = record.Deadlines.Where(d => d.Name.Split('.', 2) is [_, var letter] && letters.Contains(letter)).ToArray() };
    }

    private async Task<ProblemHttpResult> RefusalAsync(string planId, Caller caller, CancellationToken cancellationToken) =>
        RecordId.IsValid(planId) && await plans.GetAsync(planId, cancellationToken) is not null
            ? Problems.Forbidden($"'{caller.Id}' takes no part in plan {planId}.")
            : Problems.NoSuch("plan", planId);

    private static ProblemHttpResult NotYet(PlanState state, string what) =>
        Problems.Conflict($"Plan {state.PlanId} {what}.", new Dictionary<string, object?> { ["planId"] = state.PlanId, ["state"] = PlanNames.Of(state.Stage) });

    /// <summary>A conflict names the plan's stage only to a party: anyone else reusing an id learns that it is taken.</summary>
    private static ProblemHttpResult Problem(PlanRejection rejection, Record<PlanState>? record, Caller caller) => rejection.Kind switch
    {
        PlanRejectionKind.Forbidden => Problems.Forbidden(rejection.Detail),
        PlanRejectionKind.NotFound => Problems.NotFound(rejection.Detail),
        PlanRejectionKind.Conflict when record is not null && PlanMachine.CanSee(record.State, caller.Id, caller.Principal.SeesEverything) =>
            Problems.Conflict(rejection.Detail, new Dictionary<string, object?> { ["planId"] = record.State.PlanId, ["state"] = rejection.Stage }),
        PlanRejectionKind.Conflict => Problems.Conflict(
            $"The plan id {record?.State.PlanId} is already taken by a plan you take no part in. Use another id.",
            new Dictionary<string, object?> { ["planId"] = record?.State.PlanId }),
        _ => Problems.Validation(rejection.Errors ?? new Dictionary<string, string[]>()),
    };
}
