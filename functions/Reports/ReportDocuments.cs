using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Integration.Domain.Identity;
using Integration.Domain.Reports;

namespace Integration.Functions.Reports;

/// <summary>The printable page and the workbook of a stored report, rendered from its hash-checked content.</summary>
public static class ReportDocuments
{
    public const string WorkbookType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static readonly (string Name, Func<ApprovalCounts, int> Value)[] ApprovalRows =
    [
        ("routed 推送", a => a.Routed), ("claimed 认领", a => a.Claimed), ("claimedOnTime 按时认领", a => a.ClaimedOnTime),
        ("overdue 超期未认领", a => a.Overdue), ("declined 退回", a => a.Declined), ("reassigned 改派", a => a.Reassigned),
    ];

    private static readonly (string Name, Func<LeadCounts, int> Value)[] LeadRows =
    [
        ("received 接收", l => l.Received), ("receipted 签收", l => l.Receipted), ("returned 退回", l => l.Returned),
        ("returnedOnTime 按时退回", l => l.ReturnedOnTime), ("results 反馈结果", l => l.Results),
        ("feedbackOnTime 按时反馈", l => l.FeedbackOnTime), ("open 未办结", l => l.Open),
    ];

    private static readonly (string Name, Func<EnforcementCounts, int> Value)[] EnforcementRows =
    [
        ("plansInitiated 发起计划", e => e.PlansInitiated), ("plansParticipated 参与计划", e => e.PlansParticipated),
        ("tasksAssigned 分派任务", e => e.TasksAssigned), ("tasksCompleted 完成任务", e => e.TasksCompleted),
        ("tasksCompletedOnTime 按时完成", e => e.TasksCompletedOnTime), ("tasksOverdue 超期未完成", e => e.TasksOverdue),
        ("published 已公示", e => e.Published), ("publishedOnTime 按时公示", e => e.PublishedOnTime), ("publicationOverdue 超期未公示", e => e.PublicationOverdue),
    ];

    // The coordination meetings' action items (会商督办事项), counted apart from the on-time rates.
    private static readonly (string Name, Func<ActionItemCounts, int> Value)[] ActionItemRows =
    [
        ("open 未办结", a => a.Open), ("closed 已办结", a => a.Closed), ("closedOnTime 按时办结", a => a.ClosedOnTime), ("overdue 超期未办结", a => a.Overdue),
    ];

    /// <summary>A page in Chinese for printing: the municipality's figures, a bar per department's on-time rate, the named departments and what is late.</summary>
    /// <remarks>
    /// With <paramref name="municipality"/> false (a department's own copy, rendered from its section alone) the
    /// municipality's figures are left out, as the department's JSON leaves them out.
    /// </remarks>
    public static string Html(ReportContent c, string sha256, PrincipalRegistry registry, bool municipality = true)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(registry);
        string Name(string id) => E(registry.Find(id)?.DisplayName ?? id);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(registry.Municipality)).Append("招标投标监管协调会商通报 ").Append(E(c.Period)).Append("</title><style>")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:4px 8px;text-align:right}")
            .Append("th:first-child,td:first-child{text-align:left}.bar{background:#3a7;height:1em;display:inline-block}.low{background:#c33}")
            .Append("@media print{body{margin:0}}</style></head><body>");
        html.Append("<h1>").Append(E(registry.Municipality)).Append("招标投标监管协调会商通报</h1><p>期间 ").Append(E(c.Period))
            .Append("（").Append(D(c.From)).Append(" 至 ").Append(D(c.To)).Append("），第 ").Append(c.Version.ToString(CultureInfo.InvariantCulture)).Append(" 版")
            .Append(c.Supersedes is { } s ? $"（取代第 {s.ToString(CultureInfo.InvariantCulture)} 版）" : "")
            .Append(c.Partial ? "，期间未结束，统计截至 " : "，统计截至 ").Append(E(c.AsOf.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)))
            .Append("。内容 SHA-256：<code>").Append(E(sha256)).Append("</code></p>");

        if (municipality)
        {
            Municipality(html, c);
        }

        html.Append("<h2>各部门按时办理率</h2><table><tr><th>部门</th><th>按时办理率</th><th></th></tr>");
        foreach (var d in c.Departments.Where(d => d.OnTimeRate is not null))
        {
            var width = (int)Math.Round(d.OnTimeRate!.Value * 300m);
            html.Append("<tr><td>").Append(Name(d.Department)).Append("</td><td>").Append(Percent(d.OnTimeRate)).Append("</td><td style=\"text-align:left\"><span class=\"bar")
                .Append(d.OnTimeRate < c.NamedBelowRate ? " low" : "").Append("\" style=\"width:").Append(width.ToString(CultureInfo.InvariantCulture)).Append("px\"></span></td></tr>");
        }

        // Reports made before action items were counted have none: the page shows what the stored content holds.
        if (c.Departments.Any(d => d.ActionItems is not null))
        {
            html.Append("</table><h2>各部门会商督办事项</h2><table><tr><th>部门</th>");
            foreach (var (name, _) in ActionItemRows)
            {
                html.Append("<th>").Append(E(name.Split(' ')[1])).Append("</th>");
            }

            html.Append("</tr>");
            foreach (var d in c.Departments.Where(d => d.ActionItems is not null))
            {
                html.Append("<tr><td>").Append(Name(d.Department)).Append("</td>");
                foreach (var (_, value) in ActionItemRows)
                {
                    html.Append("<td>").Append(value(d.ActionItems!)).Append("</td>");
                }

                html.Append("</tr>");
            }
        }

        html.Append("</table><h2>通报</h2>");
        html.Append(c.Named.Count == 0
            ? $"<p>无部门按时办理率低于 {Percent(c.NamedBelowRate)}。</p>"
            : "<p>按时办理率低于 " + Percent(c.NamedBelowRate) + " 的部门：" + string.Join("、", c.Named.Select(n => $"{Name(n.Department)}（{Percent(n.OnTimeRate)}）")) + "。</p>");
        html.Append("<h2>超期事项</h2><table><tr><th>部门</th><th>类别</th><th>编号</th><th>环节</th><th>期限</th><th>超期工作日</th></tr>");
        foreach (var d in c.Departments)
        {
            foreach (var item in d.OverdueItems)
            {
                html.Append("<tr><td>").Append(Name(d.Department)).Append("</td><td>").Append(KindName(item.Kind)).Append("</td><td>").Append(E(item.Id))
                    .Append("</td><td>").Append(StepName(item.Step)).Append("</td><td>").Append(D(item.Deadline)).Append("</td><td>")
                    .Append(item.WorkingDaysLate.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
            }
        }

        return html.Append("</table></body></html>").ToString();
    }

    private static void Municipality(StringBuilder html, ReportContent c)
    {
            html.Append("<h2>全市</h2><table><tr><th>审批推送认领</th><th>数量</th></tr>");
            foreach (var (name, value) in ApprovalRows)
            {
                html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(value(c.Municipality.Approvals)).Append("</td></tr>");
            }

            html.Append("</table><table><tr><th>线索移交</th><th>数量</th></tr>");
            foreach (var (name, value) in LeadRows)
            {
                html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(value(c.Municipality.Leads)).Append("</td></tr>");
            }

            html.Append("</table><table><tr><th>联合执法</th><th>数量</th></tr>");
            foreach (var (name, value) in EnforcementRows)
            {
                html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(value(c.Municipality.Enforcement)).Append("</td></tr>");
            }

            if (c.Municipality.ActionItems is { } municipalActions)
            {
                html.Append("</table><table><tr><th>会商督办事项</th><th>数量</th></tr>");
                foreach (var (name, value) in ActionItemRows)
                {
                    html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(value(municipalActions)).Append("</td></tr>");
                }
            }

            html.Append("</table><p>全市按时办理率：").Append(Percent(c.Municipality.OnTimeRate)).Append("</p>");
    }

    private static string KindName(string kind) => kind switch
    {
        "approval" => "审批", "lead" => "线索", "task" => "检查任务", "plan" => "执法计划", "action-item" => "会商督办事项", _ => E(kind),
    };

    private static string StepName(string step) => step switch
    {
        "claim" => "认领", "feedback" => "反馈", "result" => "录入结果", "publication" => "公示", "close" => "办结", _ => E(step),
    };

    /// <summary>
    /// One sheet for the municipality and one per department. The same content gives the same bytes (so the stored
    /// workbook's SHA-256 is stable): relationship ids are numbered, not random, and every zip entry carries one fixed time.
    /// </summary>
    public static byte[] Workbook(ReportContent c, string sha256, bool municipality = true)
    {
        ArgumentNullException.ThrowIfNull(c);
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddNewPart<WorkbookPart>("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "rId1");
            workbook.Workbook = new Workbook();
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            var header = new List<object?[]>
            {
                new object?[] { "period", c.Period }, new object?[] { "version", c.Version }, new object?[] { "partial", c.Partial ? "true" : "false" },
                new object?[] { "asOf", c.AsOf.ToString("O", CultureInfo.InvariantCulture) }, new object?[] { "sha256", sha256 },
            };
            if (municipality)
            {
                AddSheet(workbook, sheets, "municipality", [
                    .. header, .. Figures(c.Municipality.Approvals, c.Municipality.Leads, c.Municipality.Enforcement, c.Municipality.OnTimeRate), .. ActionItemFigures(c.Municipality.ActionItems)]);
            }

            foreach (var d in c.Departments)
            {
                var rows = new List<object?[]>(header) { new object?[] { "department", d.Department } };
                rows.AddRange(Figures(d.Approvals, d.Leads, d.Enforcement, d.OnTimeRate));
                rows.AddRange(ActionItemFigures(d.ActionItems));
                rows.Add(["overdueItems"]);
                rows.AddRange(d.OverdueItems.Select(i => new object?[] { i.Kind, i.Id, i.Step, D(i.Deadline), i.WorkingDaysLate }));
                AddSheet(workbook, sheets, d.Department, rows);
            }
        }

        return WithFixedEntryTimes(stream.ToArray());
    }

    /// <summary>The zip's earliest time (1980-01-01), the same for every entry: the packaging layer stamps each part with the wall clock.</summary>
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static byte[] WithFixedEntryTimes(byte[] package)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = EntryTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }

    private static IEnumerable<object?[]> Figures(ApprovalCounts approvals, LeadCounts leads, EnforcementCounts enforcement, decimal? onTimeRate) =>
        ApprovalRows.Select(r => new object?[] { "approvals." + r.Name.Split(' ')[0], r.Value(approvals) })
            .Append(["approvals.onTimeRate", approvals.OnTimeRate])
            .Concat(LeadRows.Select(r => new object?[] { "leads." + r.Name.Split(' ')[0], r.Value(leads) }))
            .Append(["leads.onTimeRate", leads.OnTimeRate])
            .Concat(EnforcementRows.Select(r => new object?[] { "enforcement." + r.Name.Split(' ')[0], r.Value(enforcement) }))
            .Append(["enforcement.onTimeRate", enforcement.OnTimeRate])
            .Append(["onTimeRate", onTimeRate]);

    /// <summary>The action-item rows, none for content stored before they were counted (so its workbook renders to the same bytes).</summary>
    private static IEnumerable<object?[]> ActionItemFigures(ActionItemCounts? counts) =>
        counts is null ? [] : ActionItemRows.Select(r => new object?[] { "actionItems." + r.Name.Split(' ')[0], r.Value(counts) });

    private static void AddSheet(WorkbookPart workbook, Sheets sheets, string name, IEnumerable<object?[]> rows)
    {
        var part = workbook.AddNewPart<WorksheetPart>("rId" + (sheets.ChildElements.Count + 2).ToString(CultureInfo.InvariantCulture));
        var data = new SheetData();
        foreach (var values in rows)
        {
            var row = new Row();
            foreach (var value in values)
            {
                row.Append(value switch
                {
                    int n => new Cell { DataType = CellValues.Number, CellValue = new CellValue(n) },
                    decimal n => new Cell { DataType = CellValues.Number, CellValue = new CellValue(n) },
                    null => new Cell(),
                    _ => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")) },
                });
            }

            data.Append(row);
        }

        part.Worksheet = new Worksheet(data);
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = (uint)(sheets.ChildElements.Count + 1), Name = name.Length <= 31 ? name : name[..31] });
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Percent(decimal? rate) => rate is { } r ? (r * 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%" : "—";
}
