using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Reports;
using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Reports;

/// <summary>Coordination reports: ndrc asks for a period's report; every department and ndrc read it.</summary>
public sealed class ReportFunctions(CoordinationReports reports, ReportRequests requests, PrincipalRegistry registry, Microsoft.Extensions.Options.IOptions<ReportOptions> options)
{
    /// <summary>
    /// Reports on the period just ended (<c>Reports:Schedule</c>, China time; <c>Reports:Period</c>), once: an occurrence
    /// run again (a missed one at start-up, another instance) finds the stored report, or its running orchestration, and
    /// leaves it. With the engine on it starts the period's orchestration; without it, it makes the report in place.
    /// </summary>
    [Function("reports-coordination-timer")]
    public async Task Scheduled(
        [TimerTrigger("%Reports:Schedule%")] TimerInfo timer, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var period = ReportPeriod.Previous(ChinaTime.DateOf(reports.Now), options.Value.Cadence);
        if (client is null)
        {
            await reports.RequestAsync(period, regenerate: false, TimerPrincipal, cancellationToken);
            return;
        }

        if ((await requests.RequestRunAsync(period.Name, regenerate: false, TimerPrincipal, cancellationToken)).Run is { } run)
        {
            await ReportRuns.StartAsync(client, run, cancellationToken);
        }
    }

    private const string TimerPrincipal = "system:reports-timer";

    [Function("reports-coordination-request")]
    [JsonBody(ReportBodies.Request)]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Reports")]
    [EndpointSummary("Ask for a period's coordination report (ndrc); the existing one unless regenerate is true. 202 while its orchestration runs")]
    public async Task<Results<Created<JsonObject>, Ok<JsonObject>, Accepted<ReportRunView>, ProblemHttpResult>> Request(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/coordination")] HttpRequest request,
        [DurableClient] DurableTaskClient? client,
        CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        var errors = new FieldErrors();
        if (await RequestBody.ReadJsonAsync(request, errors, cancellationToken) is not { } body)
        {
            return Problems.Validation(errors);
        }

        var f = new JsonFields(body, errors);
        var text = f.String("period", maxLength: 16);
        var regenerate = f.Boolean("regenerate", required: false) ?? false;
        ReportPeriod? period = null;
        if (text is not null)
        {
            (period, var problem) = ReportPeriod.Parse(text);
            if (problem is not null)
            {
                f.Add("period", problem);
            }
            else if (reports.Now < period!.Start)
            {
                f.Add("period", $"{text} has not begun: it starts on {period.From:yyyy-MM-dd}.");
            }
        }

        if (!errors.IsEmpty || period is null)
        {
            return Problems.Validation(errors);
        }

        if (client is not null)
        {
            // With the engine: one orchestration per period and version. The version is stored as pending before the 202,
            // so a process killed right after answering still makes it (ReportRunRecovery, the run-check deadline).
            // A version already pending is this request's answer too.
            var (existing, run) = await requests.RequestRunAsync(period.Name, regenerate, caller.Id, cancellationToken);
            if (run is null)
            {
                return TypedResults.Ok((await reports.GetAsync(period.Name, existing!.Version, cancellationToken))!.Body);
            }

            var view = await ReportRuns.TryStartAsync(client, run, cancellationToken);
            return TypedResults.Accepted(view.Location, view);
        }

        var (report, created) = await reports.RequestAsync(period, regenerate, caller.Id, cancellationToken);
        return created
            ? TypedResults.Created(CoordinationReports.Link(period.Name, report.Version.Version), report.Body)
            : TypedResults.Ok(report.Body);
    }

    public sealed record AcknowledgementResponse(string Period, string Outcome, ReportAcknowledgement Acknowledgement);

    [Function("reports-coordination-ack")]
    [JsonBody(ReportBodies.Ack)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Reports")]
    [EndpointSummary("A department acknowledges a period's report (the latest version, or version), with agenda items for the meeting")]
    public async Task<Results<Ok<AcknowledgementResponse>, ProblemHttpResult>> Acknowledge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/coordination/{period}/ack")] HttpRequest request, string period, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        var errors = new FieldErrors();
        var (parsed, problem) = ReportPeriod.Parse(period);
        if (problem is not null)
        {
            errors.Add("period", problem);
        }

        if (await RequestBody.ReadJsonAsync(request, errors, cancellationToken) is not { } body)
        {
            return Problems.Validation(errors);
        }

        var f = new JsonFields(body, errors);
        var version = (int?)f.Integer("version", 1, int.MaxValue, required: false);
        var agenda = AgendaItems(body, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        var (ack, changed) = await reports.AcknowledgeAsync(parsed!.Name, version, caller.Id, agenda, cancellationToken);
        return ack is null
            ? Problems.NotFound(version is null ? $"There is no coordination report for {parsed.Name}." : $"The coordination report for {parsed.Name} has no version {version}.")
            : TypedResults.Ok(new AcknowledgementResponse(parsed.Name, changed ? "acknowledged" : "unchanged", ack));
    }

    /// <summary>Optional <c>agenda</c>: at most 20 items the department asks the meeting to discuss, each one visible text.</summary>
    private static List<string> AgendaItems(System.Text.Json.JsonElement body, FieldErrors errors)
    {
        var items = new List<string>();
        if (body.ValueKind != System.Text.Json.JsonValueKind.Object || !body.TryGetProperty("agenda", out var list) || list.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            return items;
        }

        if (list.ValueKind != System.Text.Json.JsonValueKind.Array || list.GetArrayLength() > 20)
        {
            errors.Add("agenda", "Must be an array of at most 20 agenda items (text).");
            return items;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"agenda[{index++}]";
            if (item.ValueKind != System.Text.Json.JsonValueKind.String || !JsonStrings.TryGet(item, out var raw))
            {
                errors.Add(path, $"{JsonFields.Describe(item)} is not text.");
            }
            else if (raw.Trim() is var text && (text.Length is 0 or > 500 || TextRules.Problem(text) is not null))
            {
                errors.Add(path, TextRules.Problem(text) ?? "Must hold 1 to 500 characters.");
            }
            else
            {
                items.Add(text);
            }
        }

        return items;
    }

    [Function("reports-coordination-html")]
    [Authorize]
    [Tags("Reports")]
    [EndpointSummary("A period's coordination report as a printable page in Chinese")]
    public async Task<Results<FileContentHttpResult, ProblemHttpResult>> Html(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/coordination/{period}.html")] HttpRequest request, string period, CancellationToken cancellationToken)
    {
        var (report, problem, _) = await ResolveAsync(request, period, null, cancellationToken);
        return report is null ? problem! : TypedResults.File(await DocumentAsync(report, ReportDocument.Html, Caller.Of(request), cancellationToken), "text/html; charset=utf-8");
    }

    [Function("reports-coordination-xlsx")]
    [Authorize]
    [Tags("Reports")]
    [EndpointSummary("A period's coordination report as a workbook: one sheet for the municipality, one per department")]
    public async Task<Results<FileContentHttpResult, ProblemHttpResult>> Workbook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/coordination/{period}.xlsx")] HttpRequest request, string period, CancellationToken cancellationToken)
    {
        var (report, problem, _) = await ResolveAsync(request, period, null, cancellationToken);
        return report is null
            ? problem!
            : TypedResults.File(await DocumentAsync(report, ReportDocument.Workbook, Caller.Of(request), cancellationToken), ReportDocuments.WorkbookType, $"coordination-{report.Content.Period}-v{report.Version.Version.ToString(CultureInfo.InvariantCulture)}.xlsx");
    }

    [Function("reports-coordination-get")]
    [Authorize]
    [Tags("Reports")]
    [EndpointSummary("A period's coordination report, the latest version or ?version= (every department, ndrc, admin); 202 with its progress while its orchestration runs")]
    public async Task<Results<Ok<JsonObject>, Accepted<ReportRunView>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/coordination/{period}")] HttpRequest request, string period,
        [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var (report, problem, running) = await ResolveAsync(request, period, client, cancellationToken);
        return report is not null ? TypedResults.Ok(Body(report, Caller.Of(request)))
            : running is not null ? TypedResults.Accepted(running.Location, running)
            : problem!;
    }

    /// <summary>A department reads its own section; the coordinator and the operator the whole report (<see cref="ReportSections"/>).</summary>
    private static JsonObject Body(StoredReport report, Caller caller) =>
        ReportSections.ReadsWhole(caller.Principal) ? report.Body : ReportSections.Body(report, caller.Id);

    private async Task<byte[]> DocumentAsync(StoredReport report, ReportDocument document, Caller caller, CancellationToken cancellationToken) =>
        ReportSections.ReadsWhole(caller.Principal)
            ? await reports.DocumentAsync(report, document, cancellationToken)
            : ReportSections.Document(report, document, caller.Id, registry);

    /// <summary>
    /// The stored report the request names; else, with the engine, the run that is making it; else the problem: 403 for
    /// a caller that is no department, 400, or 404.
    /// </summary>
    private async Task<(StoredReport? Report, ProblemHttpResult? Problem, ReportRunView? Running)> ResolveAsync(
        HttpRequest request, string period, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (!caller.Principal.Has(PrincipalRole.Department) && !caller.Principal.SeesEverything)
        {
            return (null, Problems.Forbidden($"Coordination reports are read by the member departments and the coordinator; '{caller.Id}' may not."), null);
        }

        var errors = new FieldErrors();
        var (parsed, problem) = ReportPeriod.Parse(period);
        if (problem is not null)
        {
            errors.Add("period", problem);
        }

        string? versionText = request.Query["version"];
        int? version = null;
        if (versionText is not null)
        {
            if (int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
            {
                version = number;
            }
            else
            {
                errors.Add("version", $"{TextRules.Echo(versionText)} is not a version number (1, 2 …).");
            }
        }

        if (!errors.IsEmpty)
        {
            return (null, Problems.Validation(errors), null);
        }

        if (await reports.GetAsync(parsed!.Name, version, cancellationToken) is { } report)
        {
            return (report, null, null);
        }

        // Nothing stored: the first version (or the one asked for) may be on its way, in its orchestration or pending in the record.
        if (client is not null && await ReportRuns.InProgressAsync(client, parsed.Name, version ?? 1, cancellationToken) is { } running)
        {
            return (null, null, running);
        }

        if (await requests.PendingAsync(parsed.Name, version, cancellationToken) is { } pending)
        {
            return (null, null, ReportRuns.Pending(pending));
        }

        return (null, Problems.NotFound(version is null
            ? $"There is no coordination report for {parsed.Name} yet; the coordinator asks for one with POST /api/reports/coordination."
            : $"The coordination report for {parsed.Name} has no version {version}."), null);
    }
}
