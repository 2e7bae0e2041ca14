using System.Globalization;
using Integration.Domain.Audit;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Functions.Approvals;
using Integration.Functions.Enforcement;
using Integration.Functions.Identity;
using Integration.Functions.Leads;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Integration.Functions.Console.Timeline;

/// <summary>
/// 办理记录: a record's hash-chained history as a timeline, at <c>/console/records/{kind}/{id}</c>, for the kinds the
/// console shows (approvals, leads, plans, coordination reports). Each kind is read under the rule its own API applies
/// (<c>GET /api/approvals/{id}</c>, <c>/api/leads/{id}</c>, <c>/api/enforcement/plans/{id}</c>, the report reads), and
/// the chain is recomputed on every view (as <c>GET /api/audit/{kind}/{id}/verify</c> does) for the 校验 badge.
/// </summary>
public static class TimelineConsole
{
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ApprovalService.Kind] = "审批",
        [LeadMachine.Kind] = "线索",
        [PlanMachine.Kind] = "联合执法计划",
        [CoordinationReports.Kind] = "协调通报",
    };

    /// <summary>The timeline's address for a record.</summary>
    public static string Link(string kind, string id) => $"/console/records/{Uri.EscapeDataString(kind)}/{Uri.EscapeDataString(id)}";

    public static RouteGroupBuilder MapTimelineConsole(this RouteGroupBuilder console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.MapGet("/records/{kind}/{id}", TimelineAsync);
        return console;
    }

    private static async Task<IResult> TimelineAsync(HttpContext http, string kind, string id, RecordStore records, PrincipalRegistry registry, IServiceProvider services, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (!Kinds.TryGetValue(kind, out var kindName) || !RecordId.IsValid(id))
        {
            return Page(http, caller, new TimelineView("办理记录", null, []) { Error = "没有这条记录。" }, StatusCodes.Status404NotFound);
        }

        var title = $"{kindName} {id} 办理记录";
        switch (await MayReadAsync(kind, id, caller, services, ct))
        {
            case null:
                return Page(http, caller, new TimelineView(title, null, []) { Error = $"没有{kindName} {id}。" }, StatusCodes.Status404NotFound);
            case false:
                return Page(http, caller, new TimelineView(title, null, []) { Error = $"无权查看{kindName} {id}：它与{caller.Principal.DisplayName}无关。" }, StatusCodes.Status403Forbidden);
        }

        var key = new RecordKey(kind, id);
        var history = await records.HistoryAsync(key, ct);
        var check = AuditChain.Verify(key.PartitionKey, history);
        // A report's history holds every department's acknowledgement and agenda items: a department that does not see
        // everything reads only the entries it made itself, as it reads only its own section (the chain is still
        // verified over the whole history).
        var shown = kind == CoordinationReports.Kind && !caller.Principal.SeesEverything
            ? history.Where(e => e.Principal == caller.Id)
            : history;
        var entries = shown
            .Select(e => new TimelineEntry(
                e.Sequence,
                ChinaTime.ToChina(e.At).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                Who(e.Principal, registry),
                e.Action,
                TimelineActions.Describe(e.Action),
                e.Data,
                check.BrokenAt is { } broken && e.Sequence >= broken))
            .ToArray();
        return Page(http, caller, new TimelineView(title, check, entries), StatusCodes.Status200OK);
    }

    /// <summary>Null when there is no such record; else whether the caller may read it under its kind's own API rule.</summary>
    private static async Task<bool?> MayReadAsync(string kind, string id, Caller caller, IServiceProvider services, CancellationToken ct)
    {
        var principal = caller.Principal;
        switch (kind)
        {
            case ApprovalService.Kind:
                var approvals = services.GetRequiredService<ApprovalService>();
                return await approvals.GetAsync(id, ct) is { } approval ? approval.State.IsVisibleTo(principal, approvals.SourceSystem) : null;
            case LeadMachine.Kind:
                return await services.GetRequiredService<LeadService>().GetAsync(id, ct) is { } lead ? LeadMachine.CanSee(lead.State, caller.Id, principal.SeesEverything) : null;
            case PlanMachine.Kind:
                return await services.GetRequiredService<PlanService>().GetAsync(id, ct) is { } plan ? PlanReaders.IsParty(plan.State, caller.Id, principal.SeesEverything) : null;
            default:
                // Reports are read by every member department (its own entries only, above) and by those who see everything.
                return await services.GetRequiredService<RecordStore>().GetAsync<CoordinationReportState>(CoordinationReports.Key(id), ct) is null
                    ? null
                    : principal.Has(PrincipalRole.Department) || principal.SeesEverything;
        }
    }

    private static string Who(string principal, PrincipalRegistry registry) =>
        registry.Find(principal) is { } known ? $"{known.DisplayName}（{known.Id}）"
        : principal.StartsWith("system:", StringComparison.Ordinal) ? $"平台自动（{principal}）"
        : principal;

    private static RazorComponentResult Page(HttpContext http, Caller caller, TimelineView view, int status) =>
        new RazorComponentResult<TimelinePage>(new { Model = view with { SignedInAs = caller.Principal.DisplayName, Form = ConsoleEndpoints.FormFor(http) } }) { StatusCode = status };
}
