using System.Text.Json;
using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Records;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Leads;

/// <summary>
/// Leads (线索移交): the trading centre submits suspected violations, the platform relays them to the
/// competent department (and police), and the recipients sign, return, and feed back, each on its clock.
/// </summary>
public sealed class LeadFunctions(LeadService leads, IProjectSupervision supervision)
{
    private delegate LeadDecision Command(LeadState state, Caller caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, LeadService leads);

    /// <summary>
    /// <c>leads</c>: one subscription per department, police included, each filtered on its own id;
    /// <c>lead-feedback</c>: one per system principal, so whichever system submits leads receives their feedback.
    /// </summary>
    public static IReadOnlyList<TopicDefinition> Topics(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return
        [
            TopicDefinition.PerPrincipal(LeadService.LeadsTopic, registry.All.Where(p => p.Has(PrincipalRole.Department))),
            TopicDefinition.PerPrincipal(LeadService.FeedbackTopic, registry.All.Where(p => p.Has(PrincipalRole.System))),
        ];
    }

    [Function("lead-submit")]
    [JsonBody(LeadBodies.Submit)]
    [Authorize]
    [Tags("Leads")]
    [EndpointSummary("Submit a lead (trading centre); it is relayed at once")]
    // A lead takes at most LeadInputs.MaxStoredLength characters as stored; as sent it may be pretty-printed.
    [BodyLimit(128 * 1024)]
    public async Task<Results<Created<LeadView>, Ok<LeadView>, ProblemHttpResult>> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (!leads.MaySubmit(caller.Principal))
        {
            return Problems.Forbidden($"Only the trading centre submits leads; '{caller.Id}' may not.");
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var outcome = await leads.SubmitAsync(caller.Principal, body, supervision, cancellationToken);
        if (outcome.Rejection is { } rejection)
        {
            return Problem(rejection, outcome.Record, caller);
        }

        var view = View(outcome.Record!.State, caller, leads);
        return outcome.Created ? TypedResults.Created($"/{Platform.Hosting.FunctionIndex.RoutePrefix}/leads/{Uri.EscapeDataString(view.LeadId)}", view) : TypedResults.Ok(view);
    }

    [Function("lead-receipt")]
    [JsonBody(LeadBodies.Receipt)]
    [Authorize]
    [Tags("Leads")]
    [EndpointSummary("Sign the transfer receipt, listing the materials received")]
    public Task<Results<Ok<LeadView>, ProblemHttpResult>> Receipt(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/receipt")] HttpRequest request, string leadId, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, Caller.Of(request), leads, (s, c, body, now, calendar, l) => LeadMachine.Receipt(s, c.Id, body, now, calendar, l.Rules), cancellationToken);

    [Function("lead-return")]
    [JsonBody(LeadBodies.Return)]
    [Authorize]
    [Tags("Leads")]
    [EndpointSummary("Return a lead the department is not competent for, with reasons")]
    public Task<Results<Ok<LeadView>, ProblemHttpResult>> Return(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/return")] HttpRequest request, string leadId, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, Caller.Of(request), leads, (s, c, body, now, calendar, l) => LeadMachine.Return(s, c.Id, body, now, calendar, l.Rules), cancellationToken);

    [Function("lead-completion")]
    [JsonBody(LeadBodies.Completion)]
    [Authorize]
    [Tags("Leads")]
    [EndpointSummary("Report that handling has ended; the feedback clock starts")]
    public Task<Results<Ok<LeadView>, ProblemHttpResult>> Completion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/completion")] HttpRequest request, string leadId, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, Caller.Of(request), leads, (s, c, body, now, calendar, l) => LeadMachine.Complete(s, c.Id, body, now, calendar, l.Rules), cancellationToken);

    [Function("lead-result")]
    [JsonBody(LeadBodies.Result)]
    [Authorize]
    [Tags("Leads")]
    [EndpointSummary("Report the result; the trading centre receives it as feedback")]
    public Task<Results<Ok<LeadView>, ProblemHttpResult>> Result(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/result")] HttpRequest request, string leadId, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, Caller.Of(request), leads, (s, c, body, now, calendar, l) => LeadMachine.Result(s, c.Id, body, now, calendar, l.Rules), cancellationToken);

    [Function("lead-route")]
    [JsonBody(LeadBodies.Route)]
    [Authorize]
    [Tags("Leads")]
    [EndpointSummary("Route a lead to a department (coordinator)")]
    public Task<Results<Ok<LeadView>, ProblemHttpResult>> Route(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/route")] HttpRequest request, string leadId, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, Caller.Of(request), leads, (s, c, body, now, calendar, l) =>
            LeadMachine.Route(s, c.Id, c.Principal.Has(PrincipalRole.Coordinator), body, l.IsDepartment, now, calendar, l.Rules), cancellationToken);

    [Function("lead-get")]
    [Authorize]
    [Tags("Leads")]
    [EndpointSummary("One lead with its parts, clocks and history")]
    public async Task<Results<Ok<LeadView>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "leads/{leadId}")] HttpRequest request, string leadId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (!RecordId.IsValid(leadId) || await leads.GetAsync(leadId, cancellationToken) is not { } record)
        {
            return Problems.NoSuch("lead", leadId);
        }

        if (!LeadMachine.CanSee(record.State, caller.Id, caller.Principal.SeesEverything))
        {
            return Problems.Forbidden($"Lead {leadId} was neither submitted by nor relayed to '{caller.Id}'.");
        }

        var history = await leads.HistoryAsync(leadId, cancellationToken);
        return TypedResults.Ok(View(record.State, caller, leads, history));
    }

    [Function("lead-list")]
    [Authorize]
    [Tags("Leads")]
    [EndpointSummary("Leads the caller may see, by department, status and overdue clocks (paged)")]
    public async Task<Results<Ok<LeadPage>, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "leads")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        string? department = request.Query["department"], status = request.Query["status"], overdue = request.Query["overdue"],
            pageSize = request.Query["pageSize"], pageToken = request.Query["pageToken"];
        var errors = new FieldErrors();
        var principal = caller.Principal;
        // A department that does not see everything lists its own part of each lead.
        var scope = department ?? (principal.Has(PrincipalRole.Department) && !principal.SeesEverything ? caller.Id : null);
        if (department is not null && !leads.IsDepartment(department))
        {
            errors.Add("department", $"{TextRules.Echo(department)} is not a department of the municipality.");
        }
        else if (department is not null && department != caller.Id && principal.Has(PrincipalRole.Department) && !principal.SeesEverything)
        {
            return Problems.Forbidden($"'{caller.Id}' may list only its own leads, not those of {TextRules.Echo(department)}.");
        }

        var statuses = scope is null ? LeadNames.LeadStatuses : [.. LeadNames.RecipientStatuses, LeadNames.Of(LeadStatus.AwaitingRoute)];
        if (status is not null && !statuses.Contains(status))
        {
            errors.Add("status", $"{TextRules.Echo(status)} is not one of: {string.Join(", ", statuses)}.");
        }

        bool? overdueOnly = overdue switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => null,
        };
        if (overdue is not null && overdueOnly is null)
        {
            errors.Add("overdue", $"{TextRules.Echo(overdue)} is neither true nor false.");
        }

        var size = PageSize.Read(pageSize, errors);

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        var query = new LeadQuery(caller.Id, principal.SeesEverything, scope, status, overdueOnly);
        if (await leads.ListAsync(query, size, pageToken, cancellationToken) is not { } page)
        {
            errors.Add("pageToken", "Not a page token this listing issued; start again without it.");
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(new LeadPage(page.Items.Select(s => View(s, caller, leads)).ToArray(), page.NextPageToken));
    }

    private static async Task<Results<Ok<LeadView>, ProblemHttpResult>> ActAsync(
        string leadId, HttpRequest request, Caller caller, LeadService leads, Command command, CancellationToken cancellationToken)
    {
        // An id no lead can have is not looked up: the store could not key it.
        if (!RecordId.IsValid(leadId) || await leads.GetAsync(leadId, cancellationToken) is not { } current)
        {
            return Problems.NoSuch("lead", leadId);
        }

        // Whoever may not even read the lead is refused before its body is read.
        if (!LeadMachine.CanSee(current.State, caller.Id, caller.Principal.SeesEverything))
        {
            return Problems.Forbidden($"Lead {leadId} was neither submitted by nor relayed to '{caller.Id}'.");
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var outcome = await leads.ActAsync(leadId, caller.Id, (state, now, calendar) => command(state, caller, body, now, calendar, leads), cancellationToken);
        if (outcome.Record is null)
        {
            return Problems.NoSuch("lead", leadId);
        }

        return outcome.Rejection is { } rejection ? Problem(rejection, outcome.Record, caller) : TypedResults.Ok(View(outcome.Record.State, caller, leads));
    }

    /// <summary>
    /// A conflict names the state of the record only to a caller who may read it: anyone else (another
    /// submitter reusing an id) learns that the id is taken, nothing more.
    /// </summary>
    private static ProblemHttpResult Problem(LeadRejection rejection, Record<LeadState>? record, Caller caller) => rejection.Kind switch
    {
        LeadRejectionKind.Forbidden => Problems.Forbidden(rejection.Detail),
        LeadRejectionKind.Conflict when record is not null && LeadMachine.CanSee(record.State, caller.Id, caller.Principal.SeesEverything) =>
            Problems.Conflict(rejection.Detail, new Dictionary<string, object?> { ["leadId"] = record.State.LeadId, ["state"] = rejection.State }),
        LeadRejectionKind.Conflict => Problems.Conflict(
            $"The lead id {record?.State.LeadId} is already taken by a lead you may not read; a lead id names one lead. Submit yours under another id.",
            new Dictionary<string, object?> { ["leadId"] = record?.State.LeadId }),
        _ => Problems.Validation(rejection.Errors ?? new Dictionary<string, string[]>()),
    };

    private static LeadView View(LeadState state, Caller caller, LeadService leads, IReadOnlyList<Domain.Audit.AuditEntry>? history = null) =>
        LeadViews.For(state, caller.Principal, leads.Calendar, leads.Now, leads.Rules.Coordinator, history);
}
