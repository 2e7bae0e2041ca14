using Integration.Domain.Enforcement.Plans;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Integration.Functions.Console;

public sealed record PlanListItem(string PlanId, string Title, string Stage, string LeadDepartment, IReadOnlyList<string> NotActed, ConsoleClock? Clock);

public sealed record PlansModel(string SignedInAs, ConsoleForm Form, IReadOnlyList<PlanListItem> Items, bool More, bool MayStart);

/// <summary>One participant's part in the draw: its commitment, and its nonce once the draw record publishes it.</summary>
public sealed record DrawPartyLine(string Department, string? Commitment, string? Nonce, bool Revealed);

public sealed record PlanDrawDetail(int Attempt, string RosterHash, int Targets, int Officers, IReadOnlyList<DrawPartyLine> Parties, string? Seed, string? FailedReason);

public sealed record PlanTaskLine(string TaskId, string TargetId, string CreditCode, IReadOnlyList<string> Officers, string Status, string? Result, IReadOnlyList<string> Findings, bool MayEnter);

public sealed record PlanActions(bool MayRespond, bool MayCommit, bool MayReveal, bool NonceKept, bool MayApprove, bool MayPublish);

public sealed record PlanVerification(bool Valid, string? Mismatch);

public sealed record PlanDetail(
    string PlanId,
    string Title,
    string Kind,
    string Basis,
    string Initiator,
    string LeadDepartment,
    IReadOnlyList<string> Participants,
    IReadOnlyList<PlanMatter> Matters,
    string Regions,
    string Industries,
    string Window,
    string Stage,
    ConsoleClock? Clock,
    IReadOnlyList<string> NotActed,
    IReadOnlyList<string> Responses,
    PlanDrawDetail? Draw,
    IReadOnlyList<PlanTaskLine> Tasks,
    PlanActions Actions,
    PlanVerification? Verification,
    string Now);

public sealed record PlanDetailModel(string SignedInAs, ConsoleForm Form, PlanDetail? Plan, string? Notice, IReadOnlyList<ConsoleFieldError> Errors, string? Error);

public sealed record NewPlanModel(
    string SignedInAs,
    ConsoleForm Form,
    IReadOnlyList<(string Id, string Name)> Departments,
    IReadOnlyList<(string Id, string Name)> Industries,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Values,
    IReadOnlyList<ConsoleFieldError> Errors,
    string? Error);

/// <summary>联合执法: the plans the principal takes part in, their stage, clock and who has not acted.</summary>
public sealed class PlansPage : ComponentBase
{
    [Parameter] public PlansModel Model { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ConsoleDocument.Render(new ConsoleMarkup(builder), "联合执法", Model.SignedInAs, Model.Form, m =>
        {
            if (Model.MayStart)
            {
                m.Open("p").Element("a", "发起联合执法", ("href", "/console/plans/new")).Close();
            }

            if (Model.Items.Count == 0)
            {
                m.Element("p", "没有本部门参与的联合执法计划。");
                return;
            }

            m.Open("ul", ("class", "queue"), ("aria-label", "联合执法计划"));
            foreach (var item in Model.Items)
            {
                m.Open("li", ("data-plan", item.PlanId));
                m.Open("h2", ("style", "font-size:1.1rem;margin:0")).Element("a", item.Title, ("href", $"/console/plans/{Uri.EscapeDataString(item.PlanId)}")).Close();
                m.Element("p", $"计划编号 {item.PlanId} · 牵头部门 {item.LeadDepartment} · 阶段 {item.Stage}", ("class", "meta"));
                if (item.Clock is not null)
                {
                    ConsoleNotices.Clock(m, item.Clock);
                }

                m.Element("p", item.NotActed.Count == 0 ? "无待办部门" : "尚未办理：" + string.Join("、", item.NotActed), ("class", "meta not-acted"));
                m.Close();
            }

            m.Close();
            if (Model.More)
            {
                m.Element("p", "仅显示前 100 个计划。", ("class", "meta"));
            }
        });
    }
}

/// <summary>One plan: its matters and scope, stage and who has not acted, the principal's actions, the draw record with 验证, and the tasks.</summary>
public sealed class PlanPage : ComponentBase
{
    [Parameter] public PlanDetailModel Model { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        var plan = Model.Plan;
        ConsoleDocument.Render(new ConsoleMarkup(builder), plan?.Title ?? "联合执法", Model.SignedInAs, Model.Form, m =>
        {
            ConsoleNotices.Render(m, Model.Notice, Model.Error, Model.Errors);
            if (plan is null)
            {
                return;
            }

            Summary(m, plan);
            Actions(m, plan);
            if (plan.Draw is { } draw)
            {
                Draw(m, plan, draw);
            }

            if (plan.Tasks.Count > 0)
            {
                Tasks(m, plan);
            }

            m.Open("p").Element("a", "返回联合执法列表", ("href", "/console/plans")).Close();
        });
    }

    private static void Summary(ConsoleMarkup m, PlanDetail plan)
    {
        m.Element("p", $"计划编号 {plan.PlanId} · {plan.Kind} · 发起部门 {plan.Initiator} · 牵头部门 {plan.LeadDepartment}", ("class", "meta"));
        m.Element("p", "依据：" + plan.Basis, ("class", "meta"));
        m.Element("p", "参与部门：" + string.Join("、", plan.Participants), ("class", "meta"));
        m.Element("p", $"检查期间 {plan.Window} · 范围 {plan.Regions} · {plan.Industries}", ("class", "meta"));
        m.Open("ul");
        foreach (var matter in plan.Matters)
        {
            m.Element("li", $"检查事项：{matter.Name}（{matter.Basis}）");
        }

        m.Close();
        m.Open("p", ("class", "stage")).Text("阶段：").Element("strong", plan.Stage).Close();
        if (plan.Clock is not null)
        {
            ConsoleNotices.Clock(m, plan.Clock);
        }

        m.Element("p", plan.NotActed.Count == 0 ? "无待办部门" : "尚未办理：" + string.Join("、", plan.NotActed), ("class", "meta not-acted"));
        if (plan.Responses.Count > 0)
        {
            m.Element("h2", "会商意见", ("style", "font-size:1.1rem"));
            m.Open("ul");
            foreach (var response in plan.Responses)
            {
                m.Element("li", response);
            }

            m.Close();
        }
    }

    private void Actions(ConsoleMarkup m, PlanDetail plan)
    {
        var a = plan.Actions;
        var action = $"/console/plans/{Uri.EscapeDataString(plan.PlanId)}/";
        if (!(a.MayRespond || a.MayCommit || a.MayReveal || a.MayApprove || a.MayPublish))
        {
            return;
        }

        m.Element("h2", "本部门待办", ("style", "font-size:1.1rem"));
        m.Open("div", ("class", "actions"));
        if (a.MayRespond)
        {
            m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "confirm")).Antiforgery(Model.Form)
                .Element("button", "确认计划", ("type", "submit"))
                .Close();
            m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "object")).Antiforgery(Model.Form)
                .Open("label").Text("异议理由").Open("textarea", ("name", "reason"), ("maxlength", "2000"), ("required", true)).Close().Close()
                .Element("button", "提出异议", ("type", "submit"), ("class", "secondary"))
                .Close();
        }

        if (a.MayCommit)
        {
            m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "commit")).Antiforgery(Model.Form)
                .Element("p", "平台为本部门生成随机数（不少于 32 个字符，密码学安全随机），只提交其 SHA-256 承诺；随机数由平台保管，揭示前不向任何人显示。", ("class", "meta"))
                .Element("button", "提交承诺", ("type", "submit"))
                .Close();
        }

        if (a.MayReveal)
        {
            m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "reveal")).Antiforgery(Model.Form)
                .Element("p", a.NonceKept ? "揭示平台为本部门保管的随机数；最后一个部门揭示后即完成抽取并派发检查任务。" : "本部门的承诺不是通过控制台提交的，平台未保管其随机数。", ("class", "meta"))
                .Element("button", "揭示随机数", ("type", "submit"))
                .Close();
        }

        if (a.MayApprove)
        {
            m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "approve")).Antiforgery(Model.Form)
                .Element("button", "批准计划（冻结名录，开始抽取）", ("type", "submit"))
                .Close();
        }

        if (a.MayPublish)
        {
            m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", action + "publish")).Antiforgery(Model.Form)
                .Element("button", "公示检查结果", ("type", "submit"))
                .Close();
        }

        m.Close();
    }

    private void Draw(ConsoleMarkup m, PlanDetail plan, PlanDrawDetail draw)
    {
        m.Open("section", ("aria-label", "抽取记录"));
        m.Element("h2", "抽取记录（DRAW-v1）", ("style", "font-size:1.1rem"));
        m.Element("p", $"第 {draw.Attempt} 次抽取 · 名录 {draw.Targets} 个检查对象、{draw.Officers} 名执法人员", ("class", "meta"));
        m.Open("p", ("class", "meta")).Text("名录哈希 ").Element("span", draw.RosterHash, ("class", "hash")).Close();
        m.Open("div", ("class", "wide")).Open("table")
            .Open("thead").Open("tr").Element("th", "部门", ("scope", "col")).Element("th", "承诺（SHA-256）", ("scope", "col")).Element("th", "随机数", ("scope", "col")).Close().Close()
            .Open("tbody");
        foreach (var party in draw.Parties)
        {
            m.Open("tr")
                .Element("th", party.Department, ("scope", "row"))
                .Element("td", party.Commitment ?? "未提交", ("class", "hash"))
                .Element("td", party.Nonce ?? (party.Revealed ? "已揭示（全部揭示后公开）" : "未揭示"), ("class", "hash"))
                .Close();
        }

        m.Close().Close().Close();
        if (draw.FailedReason is not null)
        {
            m.Element("p", "抽取未成：" + draw.FailedReason, ("class", "error"));
        }

        if (draw.Seed is not null)
        {
            m.Open("p", ("class", "meta")).Text("种子 ").Element("span", draw.Seed, ("class", "hash")).Close();
            m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", $"/console/plans/{Uri.EscapeDataString(plan.PlanId)}/verify")).Antiforgery(Model.Form)
                .Element("button", "验证", ("type", "submit"), ("class", "secondary"))
                .Close();
            if (plan.Verification is { } verification)
            {
                m.Element("p", verification.Valid ? "验证通过：按公开记录重新计算，种子与抽取结果一致。" : "验证未通过：" + verification.Mismatch,
                    ("class", verification.Valid ? "valid" : "invalid"), ("role", "status"));
            }

            m.Open("p", ("class", "meta")).Text("公开记录：")
                .Element("a", $"/api/public/enforcement/{plan.PlanId}", ("href", $"/api/public/enforcement/{Uri.EscapeDataString(plan.PlanId)}"))
                .Text("（可用 docs/verify_draw.py 独立验证）").Close();
        }

        m.Close();
    }

    private void Tasks(ConsoleMarkup m, PlanDetail plan)
    {
        m.Element("h2", "检查任务", ("style", "font-size:1.1rem"));
        m.Open("ul", ("class", "queue"), ("aria-label", "检查任务"));
        foreach (var task in plan.Tasks)
        {
            m.Open("li", ("data-task", task.TaskId));
            m.Element("p", $"任务 {task.TaskId} · 检查对象 {task.TargetId} · 统一社会信用代码 {task.CreditCode}", ("style", "margin:0;font-weight:600"));
            m.Element("p", "执法人员：" + string.Join("、", task.Officers), ("class", "meta"));
            m.Element("p", $"状态 {task.Status}{(task.Result is null ? "" : " · 结果 " + task.Result)}", ("class", "meta"));
            foreach (var finding in task.Findings)
            {
                m.Element("p", "发现问题：" + finding, ("class", "meta"));
            }

            if (task.MayEnter)
            {
                m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", $"/console/plans/{Uri.EscapeDataString(plan.PlanId)}/tasks/{Uri.EscapeDataString(task.TaskId)}/result"), ("class", "actions"))
                    .Antiforgery(Model.Form);
                m.Open("label").Text("检查结果").Open("select", ("name", "resultCode"), ("required", true));
                m.Element("option", "请选择", ("value", ""));
                foreach (var (code, label) in PlanVocabulary.ResultCodes)
                {
                    m.Element("option", label, ("value", code));
                }

                m.Close().Close();
                m.Open("label").Text("发现的问题（每行一条）").Open("textarea", ("name", "findings"), ("maxlength", "4000")).Close().Close();
                m.Open("label").Text("检查完成时间（中国时间）")
                    .Open("input", ("type", "datetime-local"), ("name", "completedAt"), ("value", plan.Now), ("required", true)).Close()
                    .Close();
                m.Element("button", "录入结果", ("type", "submit"), ("aria-label", $"录入结果 {task.TaskId}"));
                m.Close();
            }

            m.Close();
        }

        m.Close();
    }
}

/// <summary>发起联合执法: the main fields of a plan; errors listed per field in Chinese, each linking to its field, with what was typed kept.</summary>
public sealed class NewPlanPage : ComponentBase
{
    [Parameter] public NewPlanModel Model { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ConsoleDocument.Render(new ConsoleMarkup(builder), "发起联合执法", Model.SignedInAs, Model.Form, m =>
        {
            ConsoleNotices.Render(m, null, Model.Error, Model.Errors, linkFields: true);
            m.Open("form", ("method", "post"), ("enctype", "multipart/form-data"), ("action", "/console/plans"), ("novalidate", true)).Antiforgery(Model.Form);
            Text(m, "planId", "计划编号（字母、数字、.、_、-）", 64);
            Text(m, "title", "计划名称", 200);
            Select(m, "kind", "执法类型", PlanLabels.Kinds);
            Text(m, "basis", "依据", 1000);
            Select(m, "leadDepartment", "牵头部门", Model.Departments);
            Checks(m, "participants", "参与部门（至少两个，含牵头部门）", "participants", Model.Departments);
            m.Open("fieldset", ("id", "field-matters"), Invalid("matters")).Element("legend", "检查事项");
            Text(m, "matterName", "事项名称", 200, id: false);
            Text(m, "matterBasis", "事项依据", 1000, id: false);
            m.Close();
            m.Open("fieldset", ("id", "field-scope"), Invalid("scope")).Element("legend", "抽查范围");
            Text(m, "regions", "区划代码（六位，空格分隔；留空为全市）", 2000, id: false);
            m.Close();
            Checks(m, "industries", "行业（不选为全部行业）", "scope", Model.Industries);
            m.Open("fieldset", ("id", "field-sampling"), Invalid("sampling")).Element("legend", "抽查比例");
            Number(m, "ratioPercent", "比例（%）", "0.01");
            Number(m, "minimum", "最少抽取数", "1");
            m.Close();
            m.Open("div", ("id", "field-officersPerTarget"));
            Number(m, "officersPerTarget", "每个对象的执法人员数", "1");
            m.Close();
            m.Open("fieldset", ("id", "field-window"), Invalid("window")).Element("legend", "检查期间");
            DateField(m, "windowFrom", "开始日期");
            DateField(m, "windowTo", "结束日期");
            m.Close();
            m.Open("div", ("id", "field-publishWithinWorkingDays"));
            Number(m, "publishWithinWorkingDays", "结果公示时限（工作日）", "1");
            m.Close();
            m.Open("p").Element("button", "发起并送参与部门会商", ("type", "submit")).Close();
            m.Close();
        });
    }

    /// <summary>What the person typed, put back for correction; no field holds more than 200 characters, so no more is repeated.</summary>
    private string Value(string name) => Model.Values.TryGetValue(name, out var v) && v.Count > 0 && v[0] is { } typed ? typed[..Math.Min(typed.Length, FormEchoLength)] : "";

    private const int FormEchoLength = 200;

    private (string, object?) Invalid(string field) => ("aria-invalid", Model.Errors.Any(e => e.Field == field) ? "true" : null);

    private void Text(ConsoleMarkup m, string name, string label, int maxLength, bool id = true) =>
        m.Open("label").Text(label)
            .Open("input", ("type", "text"), ("name", name), ("id", id ? "field-" + name : null), ("value", Value(name)), ("maxlength", maxLength), Invalid(name))
            .Close().Close();

    private void Number(ConsoleMarkup m, string name, string label, string step) =>
        m.Open("label").Text(label)
            .Open("input", ("type", "number"), ("name", name), ("value", Value(name)), ("step", step), ("min", "0"))
            .Close().Close();

    private void DateField(ConsoleMarkup m, string name, string label) =>
        m.Open("label").Text(label).Open("input", ("type", "date"), ("name", name), ("value", Value(name))).Close().Close();

    private void Select(ConsoleMarkup m, string name, string label, IReadOnlyList<(string Id, string Name)> options)
    {
        m.Open("label").Text(label).Open("select", ("name", name), ("id", "field-" + name), Invalid(name));
        m.Element("option", "请选择", ("value", ""));
        foreach (var (id, text) in options)
        {
            m.Open("option", ("value", id), ("selected", Value(name) == id ? true : null)).Text(text).Close();
        }

        m.Close().Close();
    }

    private void Checks(ConsoleMarkup m, string name, string legend, string field, IReadOnlyList<(string Id, string Name)> options)
    {
        var chosen = Model.Values.TryGetValue(name, out var v) ? v : [];
        m.Open("fieldset", ("id", field == name ? "field-" + name : null), Invalid(field)).Element("legend", legend);
        foreach (var (id, text) in options)
        {
            m.Open("label", ("class", "check"))
                .Open("input", ("type", "checkbox"), ("name", name), ("value", id), ("checked", chosen.Contains(id) ? true : null)).Close()
                .Text(text)
                .Close();
        }

        m.Close();
    }
}
