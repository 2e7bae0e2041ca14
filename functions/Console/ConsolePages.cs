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
    bool MayAct);

public sealed record QueueModel(string Title, string SignedInAs, ConsoleForm Form, IReadOnlyList<QueueItem> Items, string? Notice, string? Error);

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

        m.Close();
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
}
