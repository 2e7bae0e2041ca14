using Integration.Domain.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Integration.Functions.Console.Timeline;

/// <summary>One history entry as shown: when (China time), who, what; <see cref="AfterBreak"/> marks entries the chain no longer vouches for.</summary>
public sealed record TimelineEntry(long Sequence, string At, string Who, string Action, string? ActionText, string Data, bool AfterBreak);

public sealed record TimelineView(string Title, AuditVerification? Check, IReadOnlyList<TimelineEntry> Entries)
{
    public string SignedInAs { get; init; } = "";

    public ConsoleForm Form { get; init; } = default!;

    public string? Error { get; init; }
}

/// <summary>Chinese names of the history actions; an action without one is shown by its code alone.</summary>
public static class TimelineActions
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["approval.received"] = "收到审批", ["approval.version-received"] = "收到新版本", ["approval.changed"] = "审批变更",
        ["approval.routed"] = "按职责清单推送", ["approval.pushed"] = "推送部门", ["approval.claimed"] = "部门认领",
        ["approval.declined"] = "部门退回", ["approval.assigned"] = "协调机构分派", ["approval.claim-reminder"] = "认领提醒",
        ["approval.claim-overdue"] = "认领超期",
        ["lead.submitted"] = "线索提交", ["lead.routed"] = "协调机构转办", ["lead.relayed"] = "移交部门", ["lead.receipt"] = "签收回执",
        ["lead.receipt-signed"] = "部门签收", ["lead.returned"] = "部门退回", ["lead.result-reported"] = "反馈办理结果",
        ["lead.handling-completed"] = "办结", ["lead.feedback"] = "反馈", ["lead.reminder"] = "提醒", ["lead.overdue"] = "超期",
        ["lead.relay-reminder"] = "转办提醒", ["lead.relay-overdue"] = "转办超期", ["lead.return-reminder"] = "退回期限提醒",
        ["lead.return-window-closed"] = "退回期限届满", ["lead.feedback-reminder"] = "反馈提醒", ["lead.feedback-overdue"] = "反馈超期",
        ["plan.created"] = "发起计划", ["plan.amended"] = "修改计划", ["plan.confirmed"] = "部门确认", ["plan.objected"] = "部门提出异议",
        ["plan.approved"] = "批准计划", ["plan.roster-frozen"] = "名录锁定", ["plan.committed"] = "提交抽取承诺", ["plan.revealed"] = "揭示随机数",
        ["plan.drawn"] = "完成抽取", ["plan.draw-failed"] = "抽取失败", ["plan.draw-restarted"] = "重新抽取", ["plan.result-entered"] = "录入检查结果",
        ["plan.assistance-answered"] = "答复协查", ["plan.published"] = "结果公示",
        ["coordination-report.generated"] = "生成通报", ["coordination-report.acknowledged"] = "部门签收通报",
        ["coordination-report.ack-reminder"] = "签收提醒", ["coordination-report.ack-overdue"] = "签收超期",
    };

    public static string? Describe(string action) => Names.GetValueOrDefault(action);
}

/// <summary>办理记录: who did what and when, oldest first, under the 校验 badge of the recomputed hash chain.</summary>
public sealed class TimelinePage : ComponentBase
{
    [Parameter] public TimelineView Model { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ConsoleDocument.Render(new ConsoleMarkup(builder), Model.Title, Model.SignedInAs, Model.Form, m =>
        {
            if (Model.Error is not null)
            {
                m.Element("p", Model.Error, ("class", "error"), ("role", "alert"));
                return;
            }

            if (Model.Check is { } check)
            {
                m.Open("p", ("data-verify", check.Valid ? "valid" : "invalid"));
                if (check.Valid)
                {
                    m.Element("span", "校验 通过", ("class", "badge ok"))
                        .Text($" 共 {check.Entries} 条记录，哈希链完整，未被改动。");
                }
                else
                {
                    m.Element("span", "校验 未通过", ("class", "badge bad"))
                        .Text($" 哈希链自第 {check.BrokenAt} 条起不符：此后的记录不可信，请联系运维核查。");
                }

                m.Close();
            }

            m.Open("ol", ("class", "timeline"), ("aria-label", "办理记录"));
            foreach (var e in Model.Entries)
            {
                m.Open("li", ("data-sequence", e.Sequence));
                m.Open("p", ("style", "margin:0")).Element("strong", e.ActionText ?? e.Action).Text($"（{e.Action}）").Close();
                m.Open("p", ("class", "meta")).Element("time", e.At + " 北京时间", ("datetime", e.At.Replace(' ', 'T') + "+08:00")).Text($" · {e.Who} · 第 {e.Sequence} 条").Close();
                if (e.AfterBreak)
                {
                    m.Element("p", "此条记录未通过校验。", ("class", "overdue"));
                }

                m.Open("details").Element("summary", "详细数据").Element("pre", e.Data).Close();
                m.Close();
            }

            m.Close();
        });
    }
}
