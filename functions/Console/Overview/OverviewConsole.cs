using System.Globalization;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Domain.Reports;
using Integration.Functions.Approvals.Pull;
using Integration.Functions.Calendar;
using Integration.Functions.Console.Reports;
using Integration.Functions.Console.Timeline;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Leads;
using Integration.Functions.Operations;
using Integration.Functions.Platform.Orchestrations;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Console.Overview;

/// <summary>
/// 总览 (<c>/console/overview</c>, the coordinator and the operator): everything overdue now, counted as the coordination
/// report counts it (approval claims, task results, plan publications, from the same listing indexes), leads by the lead
/// listing's overdue rule (relay and feedback clocks), and report acknowledgements past their clock; dead-lettered messages, quarantined pulled records, deadlines the sweep set
/// aside, and orchestration instances that failed (or that the engine is off). Everyone else is told it is not theirs.
/// </summary>
public static class OverviewConsole
{
    private const int MaxListed = 100;

    /// <summary>The overdue listing covers every record ever routed: a "period" from before the platform to tomorrow.</summary>
    private static readonly DateOnly Beginning = new(2000, 1, 1);

    public static RouteGroupBuilder MapOverviewConsole(this RouteGroupBuilder console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.MapGet("/overview", OverviewAsync);
        return console;
    }

    private static async Task<IResult> OverviewAsync(
        HttpContext http,
        CoordinationReports reports,
        RecordStore records,
        TopicAdministration topics,
        ApprovalQuarantine quarantine,
        StuckDeadlines stuck,
        LeadIndex leadIndex,
        LeadService leads,
        Orchestrations orchestrations,
        OrchestrationAdmin admin,
        PrincipalRegistry registry,
        CalendarSource calendar,
        IOptions<ReportOptions> options,
        CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (!caller.Principal.SeesEverything)
        {
            return Page(http, caller, new OverviewView { Error = "总览仅供协调机构与运维人员使用。" }, StatusCodes.Status403Forbidden);
        }

        var now = reports.Now;
        var days = calendar.Current;
        string Name(string id) => registry.Find(id)?.DisplayName ?? id;

        var everything = new ReportPeriod("all", Beginning, ChinaTime.DateOf(now).AddDays(1));
        var content = await reports.ComputeAsync(everything, 0, null, ct);
        // Leads by the lead listing's own overdue rule (relay and feedback clocks), which the report counts only in part.
        var leadRows = new List<OverdueRow>();
        await foreach (var lead in leadIndex.ReadAsync(LeadIndex.AllPartition, null, ct))
        {
            leadRows.AddRange(LeadClocks.Overdue(lead, days, now, leads.Rules.Coordinator).Select(clock =>
            {
                var deadline = ChinaTime.DateOf(clock.DueAt.AddTicks(-1));
                return new OverdueRow(Name(clock.Department), OverviewNames.Kind("lead"), lead.LeadId, OverviewNames.Step(clock.Clock), ReportConsole.Date(deadline),
                    days.WorkingDaysBetween(deadline, ChinaTime.DateOf(now)), TimelineConsole.Link(LeadMachine.Kind, lead.LeadId));
            }));
        }

        var overdue = content.Departments
            .SelectMany(d => d.OverdueItems.Where(i => i.Kind != "lead").Select(i => Overdue(i, Name(d.Department))))
            .Concat(leadRows)
            .Concat(await AckOverdueAsync(records, options.Value.Cadence, now, days, registry, ct))
            .OrderByDescending(i => i.WorkingDaysLate).ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToArray();

        var letters = (await topics.ListDeadLettersAsync(null, null, MaxListed, ct))
            .Select(d => new DeadLetterRow(d.Topic, d.Subscription, d.MessageId, d.Subject, d.Reason ?? "", d.DeliveryCount, China(d.DeadLetteredAt)))
            .ToArray();
        var (quarantined, _) = await quarantine.ListAsync(MaxListed, null, ct);
        var set = (await stuck.ListAsync(MaxListed, ct)).Select(s => new StuckRow(s.Record, s.Action, China(s.DueAt), s.Attempts, s.Reason)).ToArray();

        IReadOnlyList<FailedRow>? failed = null;
        if (orchestrations.Enabled)
        {
            var page = await admin.ListAsync(orchestrations.Client, new OrchestrationListQuery(null, [OrchestrationRuntimeStatus.Failed], null, null, MaxListed, null), ct);
            failed = page.Items.Select(o => new FailedRow(o.InstanceId, o.Name, China(o.CreatedAt), China(o.LastUpdatedAt))).ToArray();
        }

        return Page(http, caller, new OverviewView
        {
            AsOf = China(now),
            Overdue = overdue,
            DeadLetters = letters,
            Quarantined = quarantined.Select(q => new QuarantineRow(q.ApprovalId ?? q.Id, q.Source, string.Join("；", q.Reasons.SelectMany(r => r.Value.Select(v => $"{r.Key}: {v}"))), q.Occurrences, China(q.LastSeenAt))).ToArray(),
            Stuck = set,
            Failed = failed,
            TaskHub = orchestrations.TaskHub,
        }, StatusCodes.Status200OK);
    }

    /// <summary>Departments that have not acknowledged the latest version of a recent period's report by its clock.</summary>
    private static async Task<IEnumerable<OverdueRow>> AckOverdueAsync(
        RecordStore records, ReportCadence cadence, DateTimeOffset now, WorkingDayCalendar days, PrincipalRegistry registry, CancellationToken ct)
    {
        var rows = new List<OverdueRow>();
        var departments = registry.All.Where(p => p.Has(PrincipalRole.Department)).OrderBy(p => p.Id, StringComparer.Ordinal).ToArray();
        var period = ReportPeriod.Containing(ChinaTime.DateOf(now), cadence);
        for (var i = 0; i < 8; i++, period = ReportPeriod.Containing(period.From.AddDays(-1), cadence))
        {
            if (await records.GetAsync<CoordinationReportState>(CoordinationReports.Key(period.Name), ct) is not { State: { Latest: { AckFrom: { } from } latest } state })
            {
                continue;
            }

            var basis = new ClockBasis(from, latest.AckWorkingDays);
            var deadline = basis.On(days);
            if (now < deadline.DueAt)
            {
                continue;
            }

            var late = basis.LatenessOf(now, days).WorkingDaysLate;
            rows.AddRange(departments
                .Where(d => state.AcknowledgementOf(latest.Version, d.Id) is null)
                .Select(d => new OverdueRow(d.DisplayName, OverviewNames.Kind("report"), period.Name, OverviewNames.Step("ack"), ReportConsole.Date(deadline.Deadline), late,
                    TimelineConsole.Link(CoordinationReports.Kind, period.Name))));
        }

        return rows;
    }

    private static OverdueRow Overdue(OverdueItem item, string department)
    {
        // A task's id is "plan/task": its history is the plan's.
        var (kind, id) = item.Kind switch
        {
            "approval" => ("approval", item.Id),
            "lead" => ("lead", item.Id),
            _ => ("plan", item.Id.Split('/')[0]),
        };
        return new OverdueRow(department, OverviewNames.Kind(item.Kind), item.Id, OverviewNames.Step(item.Step), ReportConsole.Date(item.Deadline), item.WorkingDaysLate, TimelineConsole.Link(kind, id));
    }

    private static string China(DateTimeOffset at) => ChinaTime.ToChina(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static RazorComponentResult Page(HttpContext http, Caller caller, OverviewView view, int status) =>
        new RazorComponentResult<OverviewPage>(new { Model = view with { SignedInAs = caller.Principal.DisplayName, Form = ConsoleEndpoints.FormFor(http) } }) { StatusCode = status };
}
