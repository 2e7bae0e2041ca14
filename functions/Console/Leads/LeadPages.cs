using Integration.Domain.Leads;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Integration.Functions.Console;

/// <summary>One lead as the signed-in principal sees it: its clocks, its catalogue, and what the principal may do now.</summary>
public sealed record LeadItem(
    string LeadId,
    string Summary,
    string ProjectCode,
    string Category,
    string Status,
    string DiscoveredAt,
    string RelayedAt,
    string? OwnStatus,
    IReadOnlyList<ConsoleClock> Clocks,
    IReadOnlyList<LeadEvidence> Materials,
    IReadOnlyList<string> Recipients,
    bool MaySign,
    bool MayReturn,
    bool MayReport,
    bool NeedsCompletedAt,
    bool MayRoute);

public sealed record LeadsModel(
    string SignedInAs,
    ConsoleForm Form,
    IReadOnlyList<LeadItem> Items,
    bool More,
    IReadOnlyList<(string Id, string Name)> Departments,
    string Now,
    string? Notice,
    IReadOnlyList<ConsoleFieldError> Errors,
    string? Error);

/// <summary>线索: leads relayed to the department (all of them for the coordinator), each with its clocks and actions.</summary>
public sealed class LeadsPage : ComponentBase
{
    [Parameter] public LeadsModel Model { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ConsoleDocument.Render(new ConsoleMarkup(builder), "线索", Model.SignedInAs, Model.Form, m =>
        {
            ConsoleNotices.Render(m, Model.Notice, Model.Error, Model.Errors);
            if (Model.Items.Count == 0)
            {
                m.Element("p", Model.Error is null ? "没有线索。" : "");
                return;
            }

            m.Open("ul", ("class", "queue"), ("aria-label", "线索"));
            foreach (var item in Model.Items)
            {
                Item(m, item);
            }

            m.Close();
            if (Model.More)
            {
                m.Element("p", "仅显示前 100 条线索；其余请通过接口按状态查询。", ("class", "meta"));
            }
        });
    }

    private void Item(ConsoleMarkup m, LeadItem item)
    {
        var id = item.LeadId;
        var action = $"/console/leads/{Uri.EscapeDataString(id)}/";
        m.Open("li", ("data-lead", id));
        m.Element("h2", $"线索 {id} · {item.Category}", ("style", "font-size:1.1rem;margin:0"));
        m.Element("p", item.Summary);
        m.Element("p", $"项目代码 {item.ProjectCode} · 发现于 {item.DiscoveredAt} · 移交于 {item.RelayedAt} · 状态 {item.Status}", ("class", "meta"));
        if (item.OwnStatus is not null)
        {
            m.Element("p", $"本部门：{item.OwnStatus}", ("class", "meta own-status"));
        }

        foreach (var clock in item.Clocks)
        {
            ConsoleNotices.Clock(m, clock);
        }

        m.Element("p", "承办情况：" + string.Join("；", item.Recipients), ("class", "meta"));

        if (item.MaySign || item.MayReturn || item.MayReport || item.MayRoute)
        {
            m.Open("div", ("class", "actions"));
            if (item.MaySign)
            {
                m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "receipt")).Antiforgery(Model.Form);
                m.Open("fieldset").Element("legend", "签收材料（勾选已收到的移送材料，目录附 SHA-256）");
                foreach (var material in item.Materials)
                {
                    m.Open("label", ("class", "check"))
                        .Open("input", ("type", "checkbox"), ("name", "materials"), ("value", material.Sha256), ("checked", true)).Close()
                        .Open("span").Text(material.Name + " ").Element("span", material.Sha256, ("class", "hash")).Close()
                        .Close();
                }

                m.Close();
                m.Open("label").Text("备注").Open("input", ("type", "text"), ("name", "note"), ("maxlength", "2000")).Close().Close();
                m.Element("button", "签收", ("type", "submit"), ("aria-label", $"签收 {id}"));
                m.Close();
            }

            if (item.MayReturn)
            {
                m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "return")).Antiforgery(Model.Form)
                    .Open("label").Text("退回理由")
                    .Open("input", ("type", "text"), ("name", "reason"), ("maxlength", "2000"), ("required", true)).Close()
                    .Close()
                    .Element("button", "退回", ("type", "submit"), ("class", "secondary"), ("aria-label", $"退回 {id}"))
                    .Close();
            }

            if (item.MayReport)
            {
                m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "result")).Antiforgery(Model.Form);
                m.Open("label").Text("处理结果").Open("select", ("name", "outcome"), ("required", true));
                m.Element("option", "请选择", ("value", ""));
                foreach (var (code, label) in LeadLabels.Outcomes)
                {
                    m.Element("option", label, ("value", code));
                }

                m.Close().Close();
                m.Open("label").Text("处理决定").Open("textarea", ("name", "decision"), ("maxlength", "2000"), ("required", true)).Close().Close();
                if (item.NeedsCompletedAt)
                {
                    m.Open("label").Text("办结时间（中国时间）")
                        .Open("input", ("type", "datetime-local"), ("name", "completedAt"), ("value", Model.Now), ("required", true)).Close()
                        .Close();
                }

                m.Element("button", "反馈结果", ("type", "submit"), ("aria-label", $"反馈结果 {id}"));
                m.Close();
            }

            if (item.MayRoute)
            {
                m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "route")).Antiforgery(Model.Form);
                m.Open("label").Text("承办部门").Open("select", ("name", "department"), ("required", true));
                m.Element("option", "请选择", ("value", ""));
                foreach (var (departmentId, name) in Model.Departments)
                {
                    m.Element("option", name, ("value", departmentId));
                }

                m.Close().Close();
                m.Open("label").Text("分办说明").Open("input", ("type", "text"), ("name", "reason"), ("maxlength", "2000")).Close().Close();
                m.Element("button", "分办", ("type", "submit"), ("aria-label", $"分办 {id}"));
                m.Close();
            }

            m.Close();
        }

        m.Close();
    }
}

/// <summary>The notice, error and per-field error list at the top of a page, and a clock line, as every page of this kind shows them.</summary>
internal static class ConsoleNotices
{
    /// <param name="linkFields">Whether the page's fields carry the ids <c>field-{name}</c>, so each error links to its field.</param>
    public static void Render(ConsoleMarkup m, string? notice, string? error, IReadOnlyList<ConsoleFieldError> errors, bool linkFields = false)
    {
        if (notice is not null)
        {
            m.Element("p", notice, ("class", "notice"), ("role", "status"));
        }

        if (error is not null)
        {
            m.Element("p", error, ("class", "error"), ("role", "alert"));
        }

        if (errors.Count > 0)
        {
            m.Open("div", ("class", "error"), ("role", "alert"))
                .Element("p", "请更正以下内容：", ("style", "margin:0 0 .25rem"))
                .Open("ul", ("class", "field-errors"));
            foreach (var e in errors)
            {
                m.Open("li");
                if (linkFields)
                {
                    m.Element("a", e.Label, ("href", "#field-" + e.Field));
                }
                else
                {
                    m.Text(e.Label);
                }

                m.Text("：" + e.Message).Close();
            }

            m.Close().Close();
        }
    }

    public static void Clock(ConsoleMarkup m, ConsoleClock clock)
    {
        m.Open("p", ("class", "meta clock")).Text($"{clock.Label} {clock.Deadline}{(clock.Provisional ? "（暂按周末推算）" : "")} · ");
        if (clock.Overdue)
        {
            m.Element("span", "已超期", ("class", "overdue"));
        }
        else
        {
            m.Element("span", $"剩余 {clock.WorkingDaysLeft} 个工作日", ("class", "countdown"));
        }

        m.Close();
    }
}
