using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Integration.Functions.Console;

/// <summary>登录: the principal's API key, exchanged for a console cookie, or Entra ID sign-in when configured.</summary>
public sealed class SignInPage : ComponentBase
{
    [Parameter] public ConsoleForm Form { get; set; } = default!;

    [Parameter] public string? Error { get; set; }

    [Parameter] public bool DevelopmentKeys { get; set; }

    [Parameter] public bool EntraSignIn { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ConsoleDocument.Render(new ConsoleMarkup(builder), "登录", null, null, m =>
        {
            if (Error is not null)
            {
                m.Element("p", Error, ("class", "error"), ("role", "alert"));
            }

            m.Open("form", ("method", "post"), ("action", "/console/sign-in"))
                .Antiforgery(Form)
                .Open("label").Text("访问密钥")
                .Open("input", ("type", "password"), ("name", "key"), ("autocomplete", "current-password"), ("required", true)).Close()
                .Close()
                .Open("p").Element("button", "登录", ("type", "submit")).Close()
                .Close();
            if (EntraSignIn)
            {
                m.Open("form", ("method", "post"), ("action", "/console/sign-in/entra"))
                    .Antiforgery(Form)
                    .Open("p").Element("button", "使用统一身份认证登录", ("type", "submit"), ("class", "secondary")).Close()
                    .Close();
            }

            if (DevelopmentKeys)
            {
                m.Element("p", "开发环境：密钥为 dev-<主体标识>，例如 dev-housing。", ("class", "meta"));
            }
        });
    }
}

/// <summary>One approval waiting for the department, with its claim clock in working days.</summary>
public sealed record QueueItem(
    string ApprovalId,
    string ProjectName,
    string ProjectCode,
    string Industry,
    string Deadline,
    int WorkingDaysLeft,
    bool Overdue,
    bool Provisional,
    bool MayAct,
    string? WaitingOn = null);

public sealed record QueueModel(string Title, string SignedInAs, ConsoleForm Form, IReadOnlyList<QueueItem> Items, string? Notice, string? Error)
{
    /// <summary>The departments the coordinator may assign to; empty for everyone else.</summary>
    public IReadOnlyList<ConsoleChoice> AssignTo { get; init; } = [];

    public int ClaimWorkingDays { get; init; }
}

/// <summary>One option of a select: the value posted and the text shown.</summary>
public sealed record ConsoleChoice(string Value, string Text);

/// <summary>待认领: the approvals routed to the department and not yet claimed or declined.</summary>
public sealed class QueuePage : ComponentBase
{
    [Parameter] public QueueModel Model { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ConsoleDocument.Render(new ConsoleMarkup(builder), Model.Title, Model.SignedInAs, Model.Form, m =>
        {
            if (Model.Notice is not null)
            {
                m.Element("p", Model.Notice, ("class", "notice"), ("role", "status"));
            }

            if (Model.Error is not null)
            {
                m.Element("p", Model.Error, ("class", "error"), ("role", "alert"));
            }

            if (Model.Items.Count == 0)
            {
                m.Element("p", "没有待认领的审批。");
                return;
            }

            m.Open("ul", ("class", "queue"), ("aria-label", "待认领审批"));
            foreach (var item in Model.Items)
            {
                Item(m, item);
            }

            m.Close();
        });
    }

    private void Item(ConsoleMarkup m, QueueItem item)
    {
        var id = item.ApprovalId;
        m.Open("li", ("data-approval", id));
        m.Element("h2", item.ProjectName, ("style", "font-size:1.1rem;margin:0"));
        m.Element("p", $"审批编号 {id} · 项目代码 {item.ProjectCode} · 行业 {item.Industry}", ("class", "meta"));
        m.Open("p", ("class", "meta")).Text($"认领期限 {item.Deadline}{(item.Provisional ? "（暂按周末推算）" : "")} · ");
        if (item.Overdue)
        {
            m.Element("span", "已超期", ("class", "overdue"));
        }
        else
        {
            m.Element("span", $"剩余 {item.WorkingDaysLeft} 个工作日", ("class", "countdown"));
        }

        if (item.WaitingOn is not null && Model.AssignTo.Count > 0)
        {
            m.Text($" · 待 {item.WaitingOn} 处理");
        }

        m.Close();
        m.Open("p", ("class", "meta")).Element("a", "办理记录", ("href", $"/console/records/approval/{Uri.EscapeDataString(id)}"), ("aria-label", $"{id} 的办理记录")).Close();
        if (Model.AssignTo.Count > 0)
        {
            AssignForm(m, id);
        }

        if (item.MayAct)
        {
            m.Open("div", ("class", "actions"));
            m.Open("form", ("method", "post"), ("action", $"/console/approvals/{Uri.EscapeDataString(id)}/claim"))
                .Antiforgery(Model.Form)
                .Element("button", "认领", ("type", "submit"), ("aria-label", $"认领 {id}"))
                .Close();
            m.Open("form", ("method", "post"), ("action", $"/console/approvals/{Uri.EscapeDataString(id)}/decline"))
                .Antiforgery(Model.Form)
                .Open("label").Text("退回理由")
                .Open("input", ("type", "text"), ("name", "reason"), ("maxlength", "1000"), ("required", true)).Close()
                .Close()
                .Element("button", "退回", ("type", "submit"), ("class", "secondary"), ("aria-label", $"退回 {id}"))
                .Close();
            m.Close();
        }

        m.Close();
    }

    /// <summary>The coordinator's assignment, with what it sets off said before the click.</summary>
    private void AssignForm(ConsoleMarkup m, string id)
    {
        var field = $"assign-{id}";
        m.Open("form", ("method", "post"), ("action", $"/console/approvals/{Uri.EscapeDataString(id)}/assign"), ("class", "actions"))
            .Antiforgery(Model.Form)
            .Open("label", ("for", field)).Text("分派给").Close()
            .Open("select", ("id", field), ("name", "department"), ("required", true));
        m.Element("option", "请选择部门", ("value", ""));
        foreach (var choice in Model.AssignTo)
        {
            m.Element("option", choice.Text, ("value", choice.Value));
        }

        m.Close()
            .Element("button", "分派", ("type", "submit"), ("aria-label", $"分派 {id}"))
            .Element("p", $"分派后，该部门须在 {Model.ClaimWorkingDays} 个工作日内认领，并收到推送通知；被退回或待协调机构处理的部分随之办结。", ("class", "meta"), ("style", "flex-basis:100%;margin:0"))
            .Close();
    }
}
