using System.Globalization;
using System.Text.Json;
using Integration.Domain.Approvals;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Storage;
using Integration.Functions.Approvals.Pull;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;
using static Integration.Functions.Approvals.ApprovalResponses;

namespace Integration.Functions.Approvals;

/// <summary>Approval sync and claim (审管互动): push, pull, claim, decline, assign, and the listings.</summary>
public static class ApprovalFunctions
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public sealed record QuarantineResponse(IReadOnlyList<QuarantinedItem> Items, string? NextPageToken);

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("approvals-push", HttpMethods.Post, "approvals", Push, b => b.RequireAuthorization(RoleNames.System).WithTags("Approvals")
            .WithSummary("The approval system pushes a version of an approval (idempotent by approvalId and version)"));
        functions.Http("approvals-list", HttpMethods.Get, "approvals", List, b => b.RequireAuthorization().WithTags("Approvals")
            .WithSummary("Approvals routed to the caller (coordinators and admins: all), by status, newest first, paged"));
        functions.Http("approvals-get", HttpMethods.Get, "approvals/{approvalId}", Get, b => b.RequireAuthorization().WithTags("Approvals")
            .WithSummary("An approval with its versions, routing, claims, deadlines and audit history"));
        functions.Http("approvals-claim", HttpMethods.Post, "approvals/{approvalId}/claim", Claim, b => b.RequireAuthorization(RoleNames.Department).WithTags("Approvals")
            .WithSummary("A department routed the approval claims its part (谁监管、谁认领)"));
        functions.Http("approvals-decline", HttpMethods.Post, "approvals/{approvalId}/decline", Decline, b => b.RequireAuthorization(RoleNames.Department).WithTags("Approvals")
            .WithSummary("A department routed the approval declines it with a reason; it goes back to the coordinator"));
        functions.Http("approvals-assign", HttpMethods.Post, "approvals/{approvalId}/assign", Assign, b => b.RequireAuthorization(RoleNames.Coordinator).WithTags("Approvals")
            .WithSummary("The coordinator routes the approval to a department by hand"));
        functions.Http("admin-quarantine", HttpMethods.Get, "admin/quarantine", Quarantine, b => b.RequireAuthorization(RoleNames.Admin).WithTags("Operations")
            .WithSummary("Pulled approval records that were not stored, with every reason"));
        functions.Timer("approval-pull", "%Connectors:ApprovalSystem:Schedule%", async (_, services, ct) =>
            await services.GetRequiredService<ApprovalPull>().RunAsync(ct));
    }

    public static IReadOnlyList<TopicDefinition> Topics(PrincipalRegistry registry) => ApprovalMessages.Topics(registry);

    private static async Task<Results<Created<PushResponse>, Ok<PushResponse>, ProblemHttpResult>> Push(
        HttpRequest request, Caller caller, ApprovalService approvals, TimeProvider time, CancellationToken cancellationToken)
    {
        if (caller.Id != approvals.SourceSystem)
        {
            return Problems.Forbidden($"Only '{approvals.SourceSystem}' pushes approvals; '{caller.Id}' may not.");
        }

        var errors = new FieldErrors();
        var body = await ReadBodyAsync(request, errors, cancellationToken);
        var submission = body is { } json ? ApprovalReader.Read(json, approvals.Rules(), errors) : null;
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
            state.StatusAt(now), state.Parts.Select(p => ApprovalResponses.ToSummary(p, now)).ToArray(), result.Problem);
        return result.Outcome == ReceiveOutcome.Created
            ? TypedResults.Created($"/{FunctionCatalogue.RoutePrefix}/approvals/{submission.ApprovalId}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ListResponse>, ProblemHttpResult>> List(
        string? status, string? department, string? pageSize, string? pageToken, Caller caller, ApprovalIndex index, ApprovalService approvals,
        PrincipalRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (status is not null && !ApprovalStatus.Filters.Contains(status))
        {
            errors.Add("status", $"'{status}' is not one of: {string.Join(", ", ApprovalStatus.Filters)}.");
        }

        if (department is not null && !registry.IsDepartment(department))
        {
            errors.Add("department", $"'{department}' is not a department of {registry.Municipality}.");
        }

        var size = ParsePageSize(pageSize, errors);
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
                return Problems.Forbidden($"'{caller.Id}' sees only the approvals routed to it, not those of '{department}'.");
            }

            department = caller.Id;
        }

        try
        {
            var now = time.GetUtcNow();
            var (items, next) = await index.ListAsync(department, status, size, pageToken, now, cancellationToken);
            return TypedResults.Ok(new ListResponse(items.Select(i => ToSummary(i, department, now, approvals.IsKnownIndustry)).ToArray(), next));
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.InvalidInput && pageToken is not null)
        {
            errors.Add("pageToken", "Not a page token this listing issued; start again without it.");
            return Problems.Validation(errors);
        }
    }

    private static async Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> Get(
        string approvalId, Caller caller, RecordStore records, ApprovalService approvals, PrincipalRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        var record = IsApprovalId(approvalId) ? await records.GetAsync<ApprovalState>(ApprovalService.Key(approvalId), cancellationToken) : null;
        if (record is null)
        {
            return Problems.NotFound($"There is no approval {approvalId}.");
        }

        if (!record.State.IsVisibleTo(caller.Principal, approvals.SourceSystem))
        {
            return Problems.Forbidden($"Approval {approvalId} was not routed to '{caller.Id}'.");
        }

        var history = await records.HistoryAsync(record.Key, cancellationToken);
        return TypedResults.Ok(ApprovalResponses.ToResponse(record, history, caller.Principal, registry, time.GetUtcNow(), approvals.IsKnownIndustry));
    }

    private static async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> Claim(
        string approvalId, Caller caller, ApprovalService approvals, PrincipalRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!IsApprovalId(approvalId))
        {
            return Problems.NotFound($"There is no approval {approvalId}.");
        }

        return ToResult(await approvals.ClaimAsync(approvalId, caller.Id, cancellationToken), approvalId, registry, time);
    }

    private static async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> Decline(
        string approvalId, HttpRequest request, Caller caller, ApprovalService approvals, PrincipalRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var body = await ReadBodyAsync(request, errors, cancellationToken);
        var reason = body is { } json ? new JsonFields(json, errors).String("reason", maxLength: 1000) : null;
        if (!errors.IsEmpty || reason is null)
        {
            return Problems.Validation(errors);
        }

        if (!IsApprovalId(approvalId))
        {
            return Problems.NotFound($"There is no approval {approvalId}.");
        }

        return ToResult(await approvals.DeclineAsync(approvalId, caller.Id, reason, cancellationToken), approvalId, registry, time);
    }

    private static async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> Assign(
        string approvalId, HttpRequest request, Caller caller, ApprovalService approvals, PrincipalRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        // The policy admits admins to coordinator reads; assigning is the coordinator's own decision.
        if (!caller.Principal.Has(PrincipalRole.Coordinator))
        {
            return Problems.Forbidden($"Only the coordinator assigns approvals; '{caller.Id}' may not.");
        }

        var errors = new FieldErrors();
        var body = await ReadBodyAsync(request, errors, cancellationToken);
        var department = body is { } json ? new JsonFields(json, errors).String("department", maxLength: 64) : null;
        if (department is not null && !registry.IsDepartment(department))
        {
            errors.Add("department", $"'{department}' is not a department of {registry.Municipality}.");
        }

        if (!errors.IsEmpty || department is null)
        {
            return Problems.Validation(errors);
        }

        if (!IsApprovalId(approvalId))
        {
            return Problems.NotFound($"There is no approval {approvalId}.");
        }

        return ToResult(await approvals.AssignAsync(approvalId, caller.Id, department, cancellationToken), approvalId, registry, time);
    }

    private static async Task<Results<Ok<QuarantineResponse>, ProblemHttpResult>> Quarantine(
        string? pageSize, string? pageToken, ApprovalQuarantine quarantine, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var size = ParsePageSize(pageSize, errors);
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

    private static Results<Ok<CommandResponse>, ProblemHttpResult> ToResult(CommandResult result, string approvalId, PrincipalRegistry registry, TimeProvider time)
    {
        if (result.Record is not { } record)
        {
            return Problems.NotFound($"There is no approval {approvalId}.");
        }

        var now = time.GetUtcNow();
        return result.Outcome switch
        {
            CommandOutcome.NotRouted => Problems.Forbidden(result.Problem!),
            CommandOutcome.Conflict => Problems.Conflict(result.Problem!, new Dictionary<string, object?> { ["claim"] = ApprovalResponses.ToResponse(result.Part!, registry, now) }),
            _ => TypedResults.Ok(new CommandResponse(approvalId, result.Outcome == CommandOutcome.Changed ? "changed" : "unchanged",
                record.State.StatusAt(now), ApprovalResponses.ToResponse(result.Part!, registry, now))),
        };
    }

    private static ApprovalSummary ToSummary(ApprovalIndexEntry entry, string? viewer, DateTimeOffset now, Func<string, bool> isKnownIndustry)
    {
        var parts = entry.Parts;
        var status = viewer is not null && parts.FirstOrDefault(p => p.Department == viewer) is { } own
            ? own.StatusAt(now)
            : ApprovalState.StatusOf(parts, now);
        var deadline = DeadlineFor(parts, viewer);
        return new ApprovalSummary(entry.ApprovalId, entry.Version, entry.ProjectCode, entry.ProjectName, entry.Industry, isKnownIndustry(entry.Industry), entry.RegionCode, entry.ApprovalKind,
            entry.TenderMethod, entry.ReceivedAt, status, deadline is null ? null : ApprovalResponses.ToResponse(deadline), parts.Select(p => ApprovalResponses.ToSummary(p, now)).ToArray());
    }

    private static int ParsePageSize(string? pageSize, FieldErrors errors)
    {
        if (pageSize is null)
        {
            return DefaultPageSize;
        }

        if (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > MaxPageSize)
        {
            errors.Add("pageSize", $"'{pageSize}' is not a whole number from 1 to {MaxPageSize}.");
        }

        return size;
    }

    private static bool IsApprovalId(string approvalId) => ApprovalReader.IsValidId(approvalId);

    /// <summary>The request body as JSON; an empty body reads as an empty object, so each required field is named.</summary>
    private static async Task<JsonElement?> ReadBodyAsync(HttpRequest request, FieldErrors errors, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            errors.Add("$", $"The body is not valid JSON: {e.Message}");
            return null;
        }
    }
}
