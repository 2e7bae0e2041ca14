using System.Globalization;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Reports;
using Integration.Functions.Calendar;
using Integration.Functions.Console.Timeline;
using Integration.Functions.Identity;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports;
using Integration.Functions.Reports.Meetings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Console.Reports;

/// <summary>
/// 协调通报 (<c>/console/reports</c>): the coordination report of a period, the caller's own section (the coordinator and
/// the operator: the municipality and every department), the on-time chart, the workbook and the printable page (served
/// here with the caller's rights, as <c>GET /api/reports/coordination/{period}.xlsx|.html</c> are), and the department's
/// acknowledgement with its working-day clock. Read by the member departments and by those who see everything, as the API.
/// </summary>
public static class ReportConsole
{
    /// <summary>How many periods back the page looks for stored reports to list.</summary>
    private const int PeriodsListed = 8;

    public static RouteGroupBuilder MapReportConsole(this RouteGroupBuilder console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.MapGet("/reports", ReportsAsync);
        console.MapGet("/reports/{period}.xlsx", WorkbookAsync);
        console.MapGet("/reports/{period}.html", PrintableAsync);
        console.MapPost("/reports/{period}/ack", AcknowledgeAsync);
        console.MapMeetingConsole();
        return console;
    }

    private static async Task<IResult> ReportsAsync(HttpContext http, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        var notice = http.Request.Query["done"].ToString() switch
        {
            "scheduled" => "已安排会商，各成员部门已收到通知。",
            "minutes" => "已录入会议纪要，督办事项已通知责任部门。",
            "closed" => "督办事项已办结。",
            _ => null,
        };
        return await ShowAsync(http, caller, http.Request.Query["period"], notice, null, [], StatusCodes.Status200OK, ct);
    }

    /// <summary>
    /// The page for <paramref name="asked"/> (the newest period with a report when null), with a notice, an error or the
    /// field errors of a form posted from it; a form's error keeps the status it was given.
    /// </summary>
    internal static async Task<IResult> ShowAsync(
        HttpContext http, Caller caller, string? asked, string? notice, string? error, IReadOnlyList<ConsoleFieldError> errors, int status, CancellationToken ct)
    {
        var services = http.RequestServices;
        var reports = services.GetRequiredService<CoordinationReports>();
        var records = services.GetRequiredService<RecordStore>();
        var registry = services.GetRequiredService<PrincipalRegistry>();
        var calendar = services.GetRequiredService<CalendarSource>();
        var options = services.GetRequiredService<IOptions<ReportOptions>>();
        var meetings = services.GetRequiredService<MeetingService>();
        if (!MayRead(caller))
        {
            return Page(http, caller, new ReportView { Error = "协调通报仅供成员部门与协调机构查阅。" }, StatusCodes.Status403Forbidden);
        }

        // The periods of the configured cadence, newest first, that have a report.
        var today = ChinaTime.DateOf(reports.Now);
        var periods = new List<ReportPeriodLink>();
        var period = ReportPeriod.Containing(today, options.Value.Cadence);
        for (var i = 0; i < PeriodsListed; i++, period = ReportPeriod.Containing(period.From.AddDays(-1), options.Value.Cadence))
        {
            if (await records.GetAsync<CoordinationReportState>(CoordinationReports.Key(period.Name), ct) is { State.Latest: { } latest })
            {
                periods.Add(new ReportPeriodLink(period.Name, latest.Version));
            }
        }

        var name = asked ?? periods.FirstOrDefault()?.Period;
        if (name is null)
        {
            return Page(http, caller, new ReportView { Periods = periods, Empty = "尚无协调通报：协调机构生成通报后在此显示。", Error = error, Errors = errors }, status);
        }

        var (parsed, problem) = ReportPeriod.Parse(name);
        if (problem is not null)
        {
            return Page(http, caller, new ReportView { Periods = periods, Error = $"{TextRules.Echo(name)} 不是通报期间（例如 2026Q4、2026H2、2026B6）。" }, StatusCodes.Status400BadRequest);
        }

        if (await records.GetAsync<CoordinationReportState>(CoordinationReports.Key(parsed!.Name), ct) is not { State: { Latest: not null } state }
            || await reports.GetAsync(parsed.Name, null, ct) is not { } report)
        {
            return Page(http, caller, new ReportView { Periods = periods, Error = $"{parsed.Name} 尚无协调通报。" }, StatusCodes.Status404NotFound);
        }

        if (http.Request.Query["done"].ToString() == "ack")
        {
            notice = $"已签收 {parsed.Name} 第 {report.Version.Version} 版通报。";
        }

        var (meeting, actions) = await MeetingConsole.LoadAsync(meetings, registry, caller, parsed.Name, ct);
        return Page(http, caller, View(report, state, caller, registry, calendar.Current, reports.Now) with
        {
            Periods = periods,
            Notice = notice,
            Error = error,
            Errors = errors,
            Meeting = meeting,
            Actions = actions,
            Departments = MeetingConsole.Departments(meetings, registry),
        }, status);
    }

    private static ReportView View(StoredReport report, CoordinationReportState state, Caller caller, PrincipalRegistry registry, WorkingDayCalendar calendar, DateTimeOffset now)
    {
        // A department reads its own section only, as the API answers it (ReportReaders): no other department's bar or name.
        var c = ReportSections.ReadsWhole(caller.Principal) ? report.Content : ReportReaders.SectionOf(report.Content, caller.Id);
        var version = report.Version;
        string Name(string id) => registry.Find(id)?.DisplayName ?? id;
        var own = caller.Principal.SeesEverything ? null : c.Departments.FirstOrDefault(d => d.Department == caller.Id);
        var sections = caller.Principal.SeesEverything
            ? c.Departments.Select(d => Section(d, Name(d.Department))).ToArray()
            : own is null ? [] : [Section(own, Name(own.Department))];

        AckView? ack = null;
        if (caller.Principal.Has(PrincipalRole.Department))
        {
            var deadline = version.AckFrom is { } from ? new ClockBasis(from, version.AckWorkingDays).On(calendar) : null;
            var done = state.AcknowledgementOf(version.Version, caller.Id);
            ack = new AckView(
                deadline is null ? null : Date(deadline.Deadline),
                deadline is null || now >= deadline.DueAt ? 0 : calendar.WorkingDaysBetween(ChinaTime.DateOf(now).AddDays(-1), deadline.Deadline),
                deadline is not null && now >= deadline.DueAt,
                done is null ? null : ChinaTime.ToChina(done.At).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                done?.Late ?? false,
                done?.WorkingDaysLate ?? 0,
                done?.Agenda ?? []);
        }

        return new ReportView
        {
            Period = c.Period,
            Version = version.Version,
            Supersedes = c.Supersedes,
            Partial = c.Partial,
            AsOf = ChinaTime.ToChina(c.AsOf).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            GeneratedAt = ChinaTime.ToChina(version.GeneratedAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            Range = $"{Date(c.From)} 至 {Date(c.To)}",
            Sha256 = version.Sha256,
            Municipality = caller.Principal.SeesEverything ? new ReportSection(registry.Municipality + "全市", c.Municipality.Approvals, c.Municipality.Leads, c.Municipality.Enforcement, c.Municipality.OnTimeRate, []) : null,
            Sections = sections,
            Chart = c.Departments.Select(d => new ChartBar(Name(d.Department), d.OnTimeRate, d.OnTimeRate < c.NamedBelowRate, d.Department == caller.Id)).ToArray(),
            NamedBelowRate = c.NamedBelowRate,
            Named = c.Named.Select(n => $"{Name(n.Department)}（{Percent(n.OnTimeRate)}）").ToArray(),
            Ack = ack,
            TimelineLink = TimelineConsole.Link(CoordinationReports.Kind, c.Period),
        };
    }

    private static ReportSection Section(DepartmentSection d, string name) =>
        new(name, d.Approvals, d.Leads, d.Enforcement, d.OnTimeRate, d.OverdueItems);

    /// <summary>The workbook, read as <c>GET /api/reports/coordination/{period}.xlsx</c> reads it.</summary>
    private static async Task<IResult> WorkbookAsync(HttpContext http, string period, CoordinationReports reports, CancellationToken ct)
    {
        var (report, refusal) = await ResolveAsync(http, period, reports, ct);
        return report is null
            ? refusal!
            : TypedResults.File(await DocumentAsync(http, report, ReportDocument.Workbook, reports, ct), ReportDocuments.WorkbookType, $"coordination-{report.Content.Period}-v{report.Version.Version.ToString(CultureInfo.InvariantCulture)}.xlsx");
    }

    /// <summary>The printable page, as <c>GET /api/reports/coordination/{period}.html</c>.</summary>
    private static async Task<IResult> PrintableAsync(HttpContext http, string period, CoordinationReports reports, CancellationToken ct)
    {
        var (report, refusal) = await ResolveAsync(http, period, reports, ct);
        return report is null ? refusal! : TypedResults.File(await DocumentAsync(http, report, ReportDocument.Html, reports, ct), "text/html; charset=utf-8");
    }

    /// <summary>The coordinator's and the operator's copy is the stored artefact; a department's is its own section (ReportSections).</summary>
    private static async Task<byte[]> DocumentAsync(HttpContext http, StoredReport report, ReportDocument document, CoordinationReports reports, CancellationToken ct)
    {
        var caller = (await ConsoleEndpoints.SignedInAsync(http))!;
        return ReportSections.ReadsWhole(caller.Principal)
            ? await reports.DocumentAsync(report, document, ct)
            : ReportSections.Document(report, document, caller.Id, http.RequestServices.GetRequiredService<PrincipalRegistry>());
    }

    private static async Task<(StoredReport? Report, IResult? Refusal)> ResolveAsync(HttpContext http, string period, CoordinationReports reports, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return (null, TypedResults.Redirect("/console/sign-in"));
        }

        if (!MayRead(caller))
        {
            return (null, Page(http, caller, new ReportView { Error = "协调通报仅供成员部门与协调机构查阅。" }, StatusCodes.Status403Forbidden));
        }

        int? version = null;
        if (http.Request.Query["version"] is { Count: > 0 } text)
        {
            if (!int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                return (null, Page(http, caller, new ReportView { Error = "版本号无效。" }, StatusCodes.Status400BadRequest));
            }

            version = number;
        }

        var (parsed, problem) = ReportPeriod.Parse(period);
        return problem is null && await reports.GetAsync(parsed!.Name, version, ct) is { } report
            ? (report, null)
            : (null, Page(http, caller, new ReportView { Error = $"没有 {TextRules.Echo(period)} 的这一版通报。" }, StatusCodes.Status404NotFound));
    }

    /// <summary>A department acknowledges the version it read (签收), with agenda items for the meeting, one per line.</summary>
    private static async Task<IResult> AcknowledgeAsync(HttpContext http, string period, CoordinationReports reports, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (await ConsoleEndpoints.ReadFormAsync(http) is not { } form)
        {
            return Page(http, caller, new ReportView { Error = "表单已过期，请返回协调通报重新操作。" }, StatusCodes.Status400BadRequest);
        }

        if (!caller.Principal.Has(PrincipalRole.Department))
        {
            return Page(http, caller, new ReportView { Error = "只有成员部门签收通报。" }, StatusCodes.Status403Forbidden);
        }

        var errors = new List<string>();
        var (parsed, problem) = ReportPeriod.Parse(period);
        if (problem is not null)
        {
            errors.Add("通报期间无效。");
        }

        int? version = null;
        if (form.Field("version") is { Length: > 0 } text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
            {
                version = number;
            }
            else
            {
                errors.Add("版本号无效。");
            }
        }

        var agenda = form.Field("agenda").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (agenda.Length > 20)
        {
            errors.Add("议题最多 20 条。");
        }

        for (var i = 0; i < agenda.Length; i++)
        {
            if (agenda[i].Length > 500 || TextRules.Problem(agenda[i]) is not null)
            {
                errors.Add($"第 {i + 1} 条议题须为 1 至 500 字，且不含控制字符。");
            }
        }

        if (errors.Count > 0)
        {
            return Page(http, caller, new ReportView { Error = string.Join(" ", errors) }, StatusCodes.Status400BadRequest);
        }

        var (acknowledged, _) = await reports.AcknowledgeAsync(parsed!.Name, version, caller.Id, agenda, ct);
        return acknowledged is null
            ? Page(http, caller, new ReportView { Error = $"没有 {parsed.Name} 的这一版通报。" }, StatusCodes.Status404NotFound)
            : TypedResults.Redirect($"/console/reports?period={Uri.EscapeDataString(parsed.Name)}&done=ack");
    }

    private static bool MayRead(Caller caller) => caller.Principal.Has(PrincipalRole.Department) || caller.Principal.SeesEverything;

    internal static string Percent(decimal? rate) => rate is { } r ? (r * 100m).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "无应办事项";

    internal static string Date(DateOnly date) => date.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);

    private static RazorComponentResult Page(HttpContext http, Caller caller, ReportView view, int status) =>
        new RazorComponentResult<ReportPage>(new { Model = view with { SignedInAs = caller.Principal.DisplayName, Form = ConsoleEndpoints.FormFor(http), MayAcknowledge = caller.Principal.Has(PrincipalRole.Department) } })
        {
            StatusCode = status,
        };
}
