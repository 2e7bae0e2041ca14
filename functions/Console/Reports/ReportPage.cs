using System.Globalization;
using Integration.Domain.Reports;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Integration.Functions.Console.Reports;

public sealed record ReportPeriodLink(string Period, int Version);

/// <summary>One section's figures: the municipality's or a department's, with what the department let run late.</summary>
public sealed record ReportSection(string Name, ApprovalCounts Approvals, LeadCounts Leads, EnforcementCounts Enforcement, decimal? OnTimeRate, IReadOnlyList<OverdueItem> Overdue);

public sealed record ChartBar(string Department, decimal? OnTimeRate, bool BelowThreshold, bool Own);

/// <summary>The department's acknowledgement: the clock (deadline, working days left, overdue) or when it acknowledged.</summary>
public sealed record AckView(string? Deadline, int WorkingDaysLeft, bool Overdue, string? AcknowledgedAt, bool Late, int WorkingDaysLate, IReadOnlyList<string> Agenda);

public sealed record ReportView
{
    public string SignedInAs { get; init; } = "";

    public ConsoleForm Form { get; init; } = default!;

    public bool MayAcknowledge { get; init; }

    public string? Error { get; init; }

    public string? Notice { get; init; }

    public string? Empty { get; init; }

    public IReadOnlyList<ReportPeriodLink> Periods { get; init; } = [];

    public string? Period { get; init; }

    public int Version { get; init; }

    public int? Supersedes { get; init; }

    public bool Partial { get; init; }

    public string AsOf { get; init; } = "";

    public string GeneratedAt { get; init; } = "";

    public string Range { get; init; } = "";

    public string Sha256 { get; init; } = "";

    public ReportSection? Municipality { get; init; }

    public IReadOnlyList<ReportSection> Sections { get; init; } = [];

    public IReadOnlyList<ChartBar> Chart { get; init; } = [];

    public decimal NamedBelowRate { get; init; }

    public IReadOnlyList<string> Named { get; init; } = [];

    public AckView? Ack { get; init; }

    public string TimelineLink { get; init; } = "";

    /// <summary>The field errors of a meeting form posted from this page, each under the form's Chinese label.</summary>
    public IReadOnlyList<ConsoleFieldError> Errors { get; init; } = [];

    public MeetingPanel? Meeting { get; init; }

    public IReadOnlyList<ActionRow> Actions { get; init; } = [];

    public IReadOnlyList<(string Id, string Name)> Departments { get; init; } = [];
}

/// <summary>协调通报: one period's report as the caller may read it.</summary>
public sealed class ReportPage : ComponentBase
{
    [Parameter] public ReportView Model { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ConsoleDocument.Render(new ConsoleMarkup(builder), "协调通报", Model.SignedInAs, Model.Form, m =>
        {
            if (Model.Notice is not null)
            {
                m.Element("p", Model.Notice, ("class", "notice"), ("role", "status"));
            }

            if (Model.Error is not null)
            {
                m.Element("p", Model.Error, ("class", "error"), ("role", "alert"));
            }

            ConsoleNotices.Render(m, null, null, Model.Errors, linkFields: true);

            if (Model.Periods.Count > 0)
            {
                m.Open("nav", ("aria-label", "通报期间")).Open("p", ("class", "meta")).Text("期间：");
                foreach (var p in Model.Periods)
                {
                    m.Element("a", $"{p.Period}（第 {p.Version} 版）", ("href", $"/console/reports?period={Uri.EscapeDataString(p.Period)}"), ("aria-current", p.Period == Model.Period ? "page" : null)).Text(" ");
                }

                m.Close().Close();
            }

            if (Model.Empty is not null)
            {
                m.Element("p", Model.Empty);
            }

            if (Model.Period is null)
            {
                return;
            }

            Header(m);
            if (Model.Ack is { } ack && Model.MayAcknowledge)
            {
                Acknowledgement(m, ack);
            }

            if (Model.Meeting is { } meeting)
            {
                MeetingSection.Render(m, meeting, Model.Form, Model.Departments);
            }

            MeetingSection.Actions(m, Model.Actions, Model.Form);

            // A department reads its own section first; the coordinator the municipality's, the chart, then every department's.
            if (Model.Municipality is { } city)
            {
                Section(m, city, "municipality");
                Chart(m);
            }

            foreach (var section in Model.Sections)
            {
                Section(m, section, "department");
            }

            if (Model.Municipality is null)
            {
                Chart(m);
            }
        });
    }

    private void Header(ConsoleMarkup m)
    {
        var period = Model.Period!;
        var query = $"?version={Model.Version.ToString(CultureInfo.InvariantCulture)}";
        m.Open("section", ("class", "panel"), ("aria-labelledby", "report-title"));
        m.Element("h2", $"{period} 第 {Model.Version} 版", ("id", "report-title"), ("style", "font-size:1.1rem;margin:0"));
        m.Element("p", $"期间 {Model.Range}{(Model.Supersedes is { } s ? $"，取代第 {s} 版" : "")}；{(Model.Partial ? "期间未结束，" : "")}统计截至 {Model.AsOf}（北京时间），生成于 {Model.GeneratedAt}。", ("class", "meta"));
        m.Open("p", ("class", "meta")).Text("内容 SHA-256：").Element("code", Model.Sha256, ("style", "word-break:break-all")).Close();
        m.Open("p", ("class", "actions"))
            .Element("a", "下载工作簿（xlsx）", ("href", $"/console/reports/{Uri.EscapeDataString(period)}.xlsx{query}"))
            .Element("a", "打印版", ("href", $"/console/reports/{Uri.EscapeDataString(period)}.html{query}"))
            .Element("a", "通报办理记录", ("href", Model.TimelineLink))
            .Close();
        m.Close();
    }

    private void Acknowledgement(ConsoleMarkup m, AckView ack)
    {
        m.Open("section", ("class", "panel"), ("aria-labelledby", "ack-title"), ("data-ack", ack.AcknowledgedAt is null ? "open" : "done"));
        m.Element("h2", "签收", ("id", "ack-title"), ("style", "font-size:1.1rem;margin:0"));
        if (ack.AcknowledgedAt is not null)
        {
            m.Open("p").Text($"本部门已于 {ack.AcknowledgedAt}（北京时间）签收第 {Model.Version} 版");
            if (ack.Late)
            {
                m.Text("，").Element("span", $"逾期 {ack.WorkingDaysLate} 个工作日", ("class", "overdue"));
            }

            m.Text("。").Close();
            if (ack.Agenda.Count > 0)
            {
                m.Element("p", "提交的会商议题：" + string.Join("；", ack.Agenda), ("class", "meta"));
            }

            m.Close();
            return;
        }

        m.Open("p").Text($"签收期限 {ack.Deadline ?? "未设"} · ");
        if (ack.Overdue)
        {
            m.Element("span", "已超期", ("class", "overdue"));
        }
        else
        {
            m.Element("span", $"剩余 {ack.WorkingDaysLeft} 个工作日", ("class", "countdown"));
        }

        m.Close();
        m.Open("form", ("method", "post"), ("action", $"/console/reports/{Uri.EscapeDataString(Model.Period!)}/ack"))
            .Antiforgery(Model.Form)
            .Open("input", ("type", "hidden"), ("name", "version"), ("value", Model.Version.ToString(CultureInfo.InvariantCulture))).Close()
            .Open("label").Text("会商议题（可选，每行一条，最多 20 条）")
            .Open("textarea", ("name", "agenda"), ("rows", "3"), ("maxlength", "10000")).Close()
            .Close()
            .Element("p", "签收后记入通报的办理记录，按时与否计入下期按时办理率；签收后不可撤回。", ("class", "meta"))
            .Element("button", "签收", ("type", "submit"))
            .Close();
        m.Close();
    }

    /// <summary>Each department's on-time rate as a bar, with the figure in the text so it reads without the picture.</summary>
    private void Chart(ConsoleMarkup m)
    {
        m.Open("section", ("class", "panel"), ("aria-labelledby", "chart-title"));
        m.Element("h2", "各部门按时办理率", ("id", "chart-title"), ("style", "font-size:1.1rem;margin:0"));
        m.Element("p", $"低于 {ReportConsole.Percent(Model.NamedBelowRate)} 的部门予以通报：{(Model.Named.Count == 0 ? "无" : string.Join("、", Model.Named))}。", ("class", "meta"));
        m.Open("table").Open("thead").Open("tr").Element("th", "部门", ("scope", "col")).Element("th", "按时办理率", ("scope", "col")).Element("th", "图示", ("scope", "col")).Close().Close();
        m.Open("tbody");
        foreach (var bar in Model.Chart)
        {
            m.Open("tr", ("data-own", bar.Own ? "true" : null));
            m.Element("th", bar.Own ? bar.Department + "（本部门）" : bar.Department, ("scope", "row"));
            m.Element("td", ReportConsole.Percent(bar.OnTimeRate) + (bar.BelowThreshold ? "（低于通报线）" : ""));
            var width = bar.OnTimeRate is { } rate ? (int)Math.Round(rate * 100m) : 0;
            m.Open("td", ("aria-hidden", "true")).Open("span", ("class", bar.BelowThreshold ? "bar low" : "bar"), ("style", $"width:{width.ToString(CultureInfo.InvariantCulture)}%")).Close().Close();
            m.Close();
        }

        m.Close().Close();
        m.Close();
    }

    private static void Section(ConsoleMarkup m, ReportSection s, string kind)
    {
        m.Open("section", ("class", "panel"), ("data-section", kind), ("aria-label", s.Name));
        m.Element("h2", $"{s.Name} · 按时办理率 {ReportConsole.Percent(s.OnTimeRate)}", ("style", "font-size:1.1rem;margin:0"));
        m.Open("table").Open("tbody");
        Row(m, "审批认领", $"推送 {s.Approvals.Routed}，认领 {s.Approvals.Claimed}（按时 {s.Approvals.ClaimedOnTime}），超期未认领 {s.Approvals.Overdue}，退回 {s.Approvals.Declined}，改派 {s.Approvals.Reassigned}");
        Row(m, "线索移交", $"接收 {s.Leads.Received}，签收 {s.Leads.Receipted}，退回 {s.Leads.Returned}（按时 {s.Leads.ReturnedOnTime}），反馈结果 {s.Leads.Results}（按时 {s.Leads.FeedbackOnTime}），未办结 {s.Leads.Open}");
        Row(m, "联合执法", $"发起计划 {s.Enforcement.PlansInitiated}，参与 {s.Enforcement.PlansParticipated}，任务 {s.Enforcement.TasksAssigned}，完成 {s.Enforcement.TasksCompleted}（按时 {s.Enforcement.TasksCompletedOnTime}），超期未完成 {s.Enforcement.TasksOverdue}，公示 {s.Enforcement.Published}");
        m.Close().Close();
        if (s.Overdue.Count > 0)
        {
            m.Element("h3", "超期事项", ("style", "font-size:1rem"));
            m.Open("ul");
            foreach (var item in s.Overdue)
            {
                m.Element("li", $"{OverviewNames.Kind(item.Kind)} {item.Id} · {OverviewNames.Step(item.Step)} · 期限 {ReportConsole.Date(item.Deadline)} · 超期 {item.WorkingDaysLate} 个工作日");
            }

            m.Close();
        }

        m.Close();
    }

    private static void Row(ConsoleMarkup m, string name, string text) =>
        m.Open("tr").Element("th", name, ("scope", "row")).Element("td", text).Close();
}

/// <summary>Chinese names of the report's overdue kinds and steps, as the printable report names them.</summary>
public static class OverviewNames
{
    public static string Kind(string kind) => kind switch { "approval" => "审批", "lead" => "线索", "task" => "检查任务", "plan" => "执法计划", "report" => "协调通报", _ => kind };

    public static string Step(string step) => step switch { "claim" => "认领", "feedback" => "反馈", "result" => "录入结果", "publication" => "公示", "ack" => "签收", "relay" => "转办", _ => step };
}
