using System.Globalization;
using System.Text.Json;
using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform;

namespace Integration.Functions.Leads;

/// <summary>
/// Leads (线索移交): the trading centre submits suspected violations, the platform relays them to the
/// competent department (and police), and the recipients sign, return, and feed back, each on its clock.
/// </summary>
public static class LeadFunctions
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private delegate LeadDecision Command(LeadState state, Caller caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, LeadService leads);

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("lead-submit", HttpMethods.Post, "leads", Submit, b => Describe(b, "Submit a lead (trading centre); it is relayed at once"));
        functions.Http("lead-list", HttpMethods.Get, "leads", List, b => b.RequireAuthorization().WithTags("Leads")
            .WithSummary("Leads the caller may see, by department, status and overdue clocks (paged)"));
        functions.Http("lead-get", HttpMethods.Get, "leads/{leadId}", Get, b => b.RequireAuthorization().WithTags("Leads")
            .WithSummary("One lead with its parts, clocks and history"));
        functions.Http("lead-receipt", HttpMethods.Post, "leads/{leadId}/receipt", Receipt, b => Describe(b, "Sign the transfer receipt, listing the materials received"));
        functions.Http("lead-return", HttpMethods.Post, "leads/{leadId}/return", Return, b => Describe(b, "Return a lead the department is not competent for, with reasons"));
        functions.Http("lead-completion", HttpMethods.Post, "leads/{leadId}/completion", Completion, b => Describe(b, "Report that handling has ended; the feedback clock starts"));
        functions.Http("lead-result", HttpMethods.Post, "leads/{leadId}/result", Result, b => Describe(b, "Report the result; the trading centre receives it as feedback"));
        functions.Http("lead-route", HttpMethods.Post, "leads/{leadId}/route", Route, b => Describe(b, "Route a lead to a department (coordinator)"));
    }

    /// <summary>
    /// <c>leads</c>: one subscription per department, police included, each filtered on its own id;
    /// <c>lead-feedback</c>: one per system principal, so whichever system submits leads receives their feedback.
    /// </summary>
    public static IReadOnlyList<TopicDefinition> Topics(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return
        [
            new TopicDefinition { Name = LeadService.LeadsTopic, Subscriptions = SubscriptionsFor(registry, PrincipalRole.Department) },
            new TopicDefinition { Name = LeadService.FeedbackTopic, Subscriptions = SubscriptionsFor(registry, PrincipalRole.System) },
        ];
    }

    private static SubscriptionDefinition[] SubscriptionsFor(PrincipalRegistry registry, PrincipalRole role) =>
        registry.All.Where(p => p.Has(role)).Select(p => new SubscriptionDefinition
        {
            Name = p.Id,
            Filters = [CorrelationFilter.Property(LeadService.DepartmentProperty, p.Id)],
        }).ToArray();

    private static void Describe(RouteHandlerBuilder builder, string summary) =>
        builder.RequireAuthorization().WithTags("Leads").WithSummary(summary).Accepts<JsonElement>("application/json");

    private static async Task<Results<Created<LeadView>, Ok<LeadView>, ProblemHttpResult>> Submit(
        HttpRequest request, Caller caller, LeadService leads, IProjectSupervision supervision, CancellationToken cancellationToken)
    {
        if (!leads.MaySubmit(caller.Principal))
        {
            return Problems.Forbidden($"Only the trading centre submits leads; '{caller.Id}' may not.");
        }

        var (body, invalid) = await ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var outcome = await leads.SubmitAsync(caller.Principal, body, supervision, cancellationToken);
        if (outcome.Rejection is { } rejection)
        {
            return Problem(rejection, outcome.Record?.State.LeadId);
        }

        var view = View(outcome.Record!.State, caller, leads);
        return outcome.Created ? TypedResults.Created($"/{FunctionCatalogue.RoutePrefix}/leads/{Uri.EscapeDataString(view.LeadId)}", view) : TypedResults.Ok(view);
    }

    private static Task<Results<Ok<LeadView>, ProblemHttpResult>> Receipt(string leadId, HttpRequest request, Caller caller, LeadService leads, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, caller, leads, (s, c, body, now, calendar, l) => LeadMachine.Receipt(s, c.Id, body, now, calendar, l.Rules), cancellationToken);

    private static Task<Results<Ok<LeadView>, ProblemHttpResult>> Return(string leadId, HttpRequest request, Caller caller, LeadService leads, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, caller, leads, (s, c, body, now, calendar, l) => LeadMachine.Return(s, c.Id, body, now, calendar, l.Rules), cancellationToken);

    private static Task<Results<Ok<LeadView>, ProblemHttpResult>> Completion(string leadId, HttpRequest request, Caller caller, LeadService leads, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, caller, leads, (s, c, body, now, calendar, l) => LeadMachine.Complete(s, c.Id, body, now, calendar, l.Rules), cancellationToken);

    private static Task<Results<Ok<LeadView>, ProblemHttpResult>> Result(string leadId, HttpRequest request, Caller caller, LeadService leads, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, caller, leads, (s, c, body, now, calendar, l) => LeadMachine.Result(s, c.Id, body, now, calendar, l.Rules), cancellationToken);

    private static Task<Results<Ok<LeadView>, ProblemHttpResult>> Route(string leadId, HttpRequest request, Caller caller, LeadService leads, CancellationToken cancellationToken) =>
        ActAsync(leadId, request, caller, leads, (s, c, body, now, calendar, l) =>
            LeadMachine.Route(s, c.Id, c.Principal.Has(PrincipalRole.Coordinator), body, l.IsDepartment, now, calendar, l.Rules), cancellationToken);

    private static async Task<Results<Ok<LeadView>, ProblemHttpResult>> Get(string leadId, Caller caller, LeadService leads, CancellationToken cancellationToken)
    {
        if (await leads.GetAsync(leadId, cancellationToken) is not { } record)
        {
            return Problems.NotFound($"There is no lead {leadId}.");
        }

        if (!LeadMachine.CanSee(record.State, caller.Id, caller.Principal.SeesEverything))
        {
            return Problems.Forbidden($"Lead {leadId} was neither submitted by nor relayed to '{caller.Id}'.");
        }

        var history = await leads.HistoryAsync(leadId, cancellationToken);
        return TypedResults.Ok(View(record.State, caller, leads, history));
    }

    private static async Task<Results<Ok<LeadPage>, ProblemHttpResult>> List(
        string? department, string? status, string? overdue, string? pageSize, string? pageToken, Caller caller, LeadService leads, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var principal = caller.Principal;
        // A department that does not see everything lists its own part of each lead.
        var scope = department ?? (principal.Has(PrincipalRole.Department) && !principal.SeesEverything ? caller.Id : null);
        if (department is not null && !leads.IsDepartment(department))
        {
            errors.Add("department", $"'{department}' is not a department of the municipality.");
        }
        else if (department is not null && department != caller.Id && principal.Has(PrincipalRole.Department) && !principal.SeesEverything)
        {
            return Problems.Forbidden($"'{caller.Id}' may list only its own leads, not those of '{department}'.");
        }

        var statuses = scope is null ? LeadNames.LeadStatuses : [.. LeadNames.RecipientStatuses, LeadNames.Of(LeadStatus.AwaitingRoute)];
        if (status is not null && !statuses.Contains(status))
        {
            errors.Add("status", $"'{status}' is not one of: {string.Join(", ", statuses)}.");
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
            errors.Add("overdue", $"'{overdue}' is neither true nor false.");
        }

        var size = DefaultPageSize;
        if (pageSize is not null && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
        {
            errors.Add("pageSize", $"'{pageSize}' is not a whole number from 1 to {MaxPageSize}.");
        }

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
        var (body, invalid) = await ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var outcome = await leads.ActAsync(leadId, caller.Id, (state, now, calendar) => command(state, caller, body, now, calendar, leads), cancellationToken);
        if (outcome.Record is null)
        {
            return Problems.NotFound($"There is no lead {leadId}.");
        }

        return outcome.Rejection is { } rejection ? Problem(rejection, leadId) : TypedResults.Ok(View(outcome.Record.State, caller, leads));
    }

    /// <summary>Reads the body as JSON without ever logging or echoing it: a lead may carry a whistle-blower's identity.</summary>
    private static async Task<(JsonElement Body, ProblemHttpResult? Invalid)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, Problems.Validation(new Dictionary<string, string[]> { ["$"] = ["The body is not a JSON document."] }));
        }
    }

    private static ProblemHttpResult Problem(LeadRejection rejection, string? leadId) => rejection.Kind switch
    {
        LeadRejectionKind.Forbidden => Problems.Forbidden(rejection.Detail),
        LeadRejectionKind.Conflict => Problems.Conflict(rejection.Detail, new Dictionary<string, object?> { ["leadId"] = leadId, ["state"] = rejection.State }),
        _ => Problems.Validation(rejection.Errors ?? new Dictionary<string, string[]>()),
    };

    private static LeadView View(LeadState state, Caller caller, LeadService leads, IReadOnlyList<Domain.Audit.AuditEntry>? history = null) =>
        LeadViews.For(state, caller.Principal, leads.Calendar, leads.Now, leads.Rules.Coordinator, history);
}
