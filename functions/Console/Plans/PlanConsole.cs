using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Routing;
using Integration.Domain.Storage;
using Integration.Functions.Enforcement;
using Integration.Functions.Identity;
using Integration.Functions.Platform.Records;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Console;

/// <summary>
/// 联合执法: the plans the principal takes part in, one plan with its stage and who has not acted, confirm / object,
/// commit and reveal (the console makes and keeps the department's nonce, <see cref="DrawNonceVault"/>), the draw
/// record with 验证, tasks and result entry, and a form to start a plan. Each action is the API's command
/// (<see cref="PlanMachine"/>), run by <see cref="PlanService"/> as the signed-in principal.
/// </summary>
public static class PlanConsole
{
    private const int PageSize = 100;

    private static readonly Dictionary<string, string> Done = new(StringComparer.Ordinal)
    {
        ["created"] = "已发起，等待参与部门会商",
        ["confirm"] = "已确认",
        ["object"] = "已提出异议",
        ["commit"] = "已提交承诺（随机数由平台为本部门保管）",
        ["reveal"] = "已揭示随机数",
        ["approve"] = "已批准",
        ["publish"] = "已公示",
        ["result"] = "检查结果已录入",
    };

    public static RouteGroupBuilder MapPlanConsole(this RouteGroupBuilder console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.MapGet("/plans", ListAsync);
        console.MapGet("/plans/new", NewAsync);
        console.MapPost("/plans", CreateAsync);
        console.MapGet("/plans/{planId}", ShowAsync);
        console.MapPost("/plans/{planId}/tasks/{taskId}/result", (HttpContext http, string planId, string taskId, PlanService plans, PrincipalRegistry registry, ResponsibilityList responsibilities, ITableStore store, IPlanRoster roster, CancellationToken ct) =>
            ActAsync(http, planId, "result", taskId, plans, registry, responsibilities, store, roster, ct));
        console.MapPost("/plans/{planId}/{action}", (HttpContext http, string planId, string action, PlanService plans, PrincipalRegistry registry, ResponsibilityList responsibilities, ITableStore store, IPlanRoster roster, CancellationToken ct) =>
            ActAsync(http, planId, action, null, plans, registry, responsibilities, store, roster, ct));
        return console;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PlanService plans, PrincipalRegistry registry, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        var principal = caller.Principal;
        var page = await plans.ListAsync(caller.Id, principal.SeesEverything, null, PageSize, null, ct);
        var names = Names(registry);
        var items = (page?.Items ?? []).Select(s => new PlanListItem(
            s.PlanId, s.Input.Title, PlanLabels.Stage(s.Stage), names(s.Input.LeadDepartment), NotActed(s, plans.Rules.Coordinator).Select(names).ToArray(),
            StageClock(s, plans))).ToArray();
        var model = new PlansModel(principal.DisplayName, ConsoleEndpoints.FormFor(http), items, page?.NextPageToken is not null, principal.Has(PrincipalRole.Department));
        return new RazorComponentResult<PlansPage>(new { Model = model });
    }

    private static async Task<IResult> NewAsync(HttpContext http, PlanService plans, PrincipalRegistry registry, ResponsibilityList responsibilities)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (!caller.Principal.Has(PrincipalRole.Department))
        {
            return NewPlan(http, caller, registry, responsibilities, new Dictionary<string, IReadOnlyList<string>>(), [], "只有部门可以发起联合执法。", StatusCodes.Status403Forbidden);
        }

        var today = ChinaTime.DateOf(plans.Now);
        var defaults = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["kind"] = ["double-random"],
            ["leadDepartment"] = [caller.Id],
            ["participants"] = [caller.Id],
            ["ratioPercent"] = ["5"],
            ["minimum"] = ["1"],
            ["officersPerTarget"] = [DrawSampling.MinimumOfficersPerTarget.ToString(CultureInfo.InvariantCulture)],
            ["windowFrom"] = [today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
            ["windowTo"] = [today.AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
            ["publishWithinWorkingDays"] = [plans.Catalogue.DefaultPublishWithinWorkingDays.ToString(CultureInfo.InvariantCulture)],
        };
        return NewPlan(http, caller, registry, responsibilities, defaults, [], null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, PlanService plans, PrincipalRegistry registry, ResponsibilityList responsibilities, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (await ConsoleEndpoints.ReadFormFieldsAsync(http) is not { } form)
        {
            return NewPlan(http, caller, registry, responsibilities, new Dictionary<string, IReadOnlyList<string>>(), [], "表单已过期，请重新提交。", StatusCodes.Status400BadRequest);
        }

        var values = form.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value.Select(v => v ?? "").ToArray(), StringComparer.Ordinal);
        if (!caller.Principal.Has(PrincipalRole.Department))
        {
            return NewPlan(http, caller, registry, responsibilities, values, [], "只有部门可以发起联合执法。", StatusCodes.Status403Forbidden);
        }

        var errors = new List<ConsoleFieldError>();
        var body = PlanForm.Read(form, ChinaTime.DateOf(plans.Now), plans.Catalogue, errors);
        if (errors.Count > 0)
        {
            return NewPlan(http, caller, registry, responsibilities, values, errors, null, StatusCodes.Status400BadRequest);
        }

        var outcome = await plans.CreateAsync(caller.Principal, ConsoleClocks.Body(body), http.RequestServices.GetService<DurableTaskClient>(), ct);
        return outcome.Rejection switch
        {
            null => TypedResults.Redirect($"/console/plans/{Uri.EscapeDataString(outcome.Record!.State.PlanId)}?done=created"),
            { Kind: PlanRejectionKind.Invalid } rejected =>
                NewPlan(http, caller, registry, responsibilities, values, ConsoleClocks.Labelled(rejected.Errors, PlanForm.Labels), null, StatusCodes.Status400BadRequest),
            _ => NewPlan(http, caller, registry, responsibilities, values, [new ConsoleFieldError("planId", PlanForm.Labels["planId"], "该编号已被另一计划使用，请换一个编号。")], null, StatusCodes.Status409Conflict),
        };
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string planId, PlanService plans, PrincipalRegistry registry, ResponsibilityList responsibilities, ITableStore store, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        string? notice = http.Request.Query["done"] is { Count: 1 } done && Done.TryGetValue(done.ToString(), out var what) ? $"计划 {planId} {what}。" : null;
        return await DetailAsync(http, caller, planId, plans, registry, responsibilities, store, notice, [], null, null, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> ActAsync(
        HttpContext http, string planId, string action, string? taskId, PlanService plans, PrincipalRegistry registry, ResponsibilityList responsibilities,
        ITableStore store, IPlanRoster roster, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        Task<IResult> Page(string? error, IReadOnlyList<ConsoleFieldError> errors, int status, DrawVerification? verification = null) =>
            DetailAsync(http, caller, planId, plans, registry, responsibilities, store, null, errors, error, verification, status, ct);

        if (await ConsoleEndpoints.ReadFormFieldsAsync(http) is not { } form)
        {
            return await Page("表单已过期，请刷新页面后重新操作。", [], StatusCodes.Status400BadRequest);
        }

        if (!RecordId.IsValid(planId) || await plans.GetAsync(planId, ct) is not { } current
            || !PlanMachine.CanSee(current.State, caller.Id, caller.Principal.SeesEverything))
        {
            return await Page(null, [], StatusCodes.Status404NotFound);
        }

        if (action == "verify")
        {
            // The frozen roster is stored apart from the plan; the draw is verified with it, as `GET …/draw/verify` does.
            return current.State.Draw?.Record is not null && (await plans.WithRosterAsync(current, ct)).State.Draw!.Record is { } drawn
                ? await Page(null, [], StatusCodes.Status200OK, Verify(drawn))
                : await Page("尚未完成抽取，无法验证。", [], StatusCodes.Status409Conflict);
        }

        var client = http.RequestServices.GetService<DurableTaskClient>();
        var vault = new DrawNonceVault(store);
        var errors = new List<ConsoleFieldError>();
        PlanOutcome outcome;
        switch (action)
        {
            case "confirm":
                outcome = await plans.ActAsync(planId, caller.Id, client, (s, now, _) => PlanMachine.Confirm(s, caller.Id, now, plans.Rules), ct);
                break;
            case "object":
                var reason = form["reason"].ToString().Trim();
                if (reason.Length == 0)
                {
                    return await Page(null, [new ConsoleFieldError("reason", "异议理由", "请填写异议理由。")], StatusCodes.Status400BadRequest);
                }

                var objection = ConsoleClocks.Body(new JsonObject { ["reason"] = reason });
                outcome = await plans.ActAsync(planId, caller.Id, client, (s, now, _) => PlanMachine.Object(s, caller.Id, objection, now, plans.Rules), ct);
                break;
            case "commit" when current.State is { Stage: PlanStage.Committing, Draw: { } draw } && current.State.Input.Participants.Contains(caller.Id):
                // Stored before it is committed to: a crash in between leaves a nonce that the next click commits to again.
                var nonce = await vault.GetOrCreateAsync(caller.Id, planId, draw.Attempt, ct);
                var commitment = ConsoleClocks.Body(new JsonObject { ["commitment"] = DrawCommitments.Commit(nonce) });
                outcome = await plans.ActAsync(planId, caller.Id, client, (s, now, calendar) => PlanMachine.Commit(s, caller.Id, commitment, now, calendar, plans.Rules), ct);
                break;
            case "reveal" when current.State is { Stage: PlanStage.Revealing, Draw: { } revealing }:
                if (await vault.FindAsync(caller.Id, planId, revealing.Attempt, ct) is not { } kept)
                {
                    return await Page("本部门的承诺不是通过控制台提交的，平台未保管其随机数：请通过接口揭示。", [], StatusCodes.Status409Conflict);
                }

                var reveal = ConsoleClocks.Body(new JsonObject { ["nonce"] = kept });
                outcome = await plans.ActAsync(planId, caller.Id, client, (s, now, calendar) => PlanMachine.Reveal(s, caller.Id, reveal, now, calendar, plans.Rules), ct);
                break;
            case "approve":
                outcome = await plans.ApproveAsync(planId, caller.Principal, roster, client, ct);
                break;
            case "publish":
                outcome = await plans.ActAsync(planId, caller.Id, client, (s, now, calendar) => PlanMachine.Publish(s, caller.Id, now, calendar, plans.Rules), ct);
                break;
            case "result" when taskId is not null && RecordId.IsValid(taskId):
                var result = TaskResult(form, plans.Now, errors);
                if (errors.Count > 0)
                {
                    return await Page(null, errors, StatusCodes.Status400BadRequest);
                }

                var resultBody = ConsoleClocks.Body(result);
                outcome = await plans.ActAsync(planId, caller.Id, client, (s, now, calendar) => PlanMachine.Result(s, caller.Id, taskId, resultBody, plans.IsDepartment, now, calendar, plans.Rules), ct);
                break;
            case "commit" or "reveal":
                return await Page("计划当前不在此抽取阶段，或本部门不是参与部门。", [], StatusCodes.Status409Conflict);
            default:
                return await Page($"没有此项操作：{TextRules.Echo(action)}。", [], StatusCodes.Status404NotFound);
        }

        return outcome.Rejection switch
        {
            null => TypedResults.Redirect($"/console/plans/{Uri.EscapeDataString(planId)}?done={action}"),
            { Kind: PlanRejectionKind.Invalid } rejected => await Page(null, ConsoleClocks.Labelled(rejected.Errors, ResultLabels), StatusCodes.Status400BadRequest),
            { Kind: PlanRejectionKind.Forbidden } => await Page("本部门无权办理此项操作。", [], StatusCodes.Status403Forbidden),
            { Kind: PlanRejectionKind.NotFound } => await Page("检查任务不存在。", [], StatusCodes.Status404NotFound),
            _ => await Page("计划的当前阶段不允许此操作，或本部门已办理过。", [], StatusCodes.Status409Conflict),
        };
    }

    private static readonly Dictionary<string, string> ResultLabels = new(StringComparer.Ordinal)
    {
        ["resultCode"] = "检查结果",
        ["findings"] = "发现的问题",
        ["completedAt"] = "检查完成时间",
        ["reason"] = "异议理由",
    };

    /// <summary>The task result's body: the code from the list, one finding per line, the completion time in China time.</summary>
    private static JsonObject TaskResult(IFormCollection form, DateTimeOffset now, List<ConsoleFieldError> errors)
    {
        var code = form["resultCode"].ToString();
        if (!PlanVocabulary.ResultCodes.ContainsKey(code))
        {
            errors.Add(new ConsoleFieldError("resultCode", ResultLabels["resultCode"], "请从列表中选择检查结果。"));
        }

        var findings = form["findings"].ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (PlanVocabulary.ResultCodes.ContainsKey(code) && PlanVocabulary.IsProblem(code) && findings.Length == 0)
        {
            errors.Add(new ConsoleFieldError("findings", ResultLabels["findings"], "此检查结果须至少写明一条发现的问题（每行一条）。"));
        }

        var completedAt = ConsoleClocks.FromLocalInput(form["completedAt"].ToString());
        if (completedAt is null)
        {
            errors.Add(new ConsoleFieldError("completedAt", ResultLabels["completedAt"], "请填写检查完成时间（中国时间）。"));
        }
        else if (completedAt > now + TimeSpan.FromMinutes(5))
        {
            errors.Add(new ConsoleFieldError("completedAt", ResultLabels["completedAt"], "检查完成时间不能晚于现在。"));
        }

        return new JsonObject
        {
            ["resultCode"] = code,
            ["findings"] = new JsonArray(findings.Select(f => (JsonNode)new JsonObject { ["text"] = f, ["category"] = "other" }).ToArray()),
            ["completedAt"] = completedAt?.ToString("O", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>As <c>GET …/draw/verify</c> verifies: the record through its public JSON, as a verifier outside would read it.</summary>
    private static DrawVerification Verify(DrawRecord drawn)
    {
        var (published, problem) = DrawRecordJson.Read(DrawRecordJson.Write(drawn));
        return published is null ? DrawVerification.Invalid(problem!) : DrawEngine.Verify(published);
    }

    private static async Task<IResult> DetailAsync(
        HttpContext http, Caller caller, string planId, PlanService plans, PrincipalRegistry registry, ResponsibilityList responsibilities, ITableStore store,
        string? notice, IReadOnlyList<ConsoleFieldError> errors, string? error, DrawVerification? verification, int status, CancellationToken ct)
    {
        var form = ConsoleEndpoints.FormFor(http);
        if (!RecordId.IsValid(planId) || await plans.GetAsync(planId, ct) is not { } record
            || PlanReaders.Scope(record.State, caller.Id, caller.Principal.SeesEverything) is not { } s)
        {
            // Whether a plan the principal takes no part in exists is not the principal's to learn.
            return new RazorComponentResult<PlanPage>(new { Model = new PlanDetailModel(caller.Principal.DisplayName, form, null, null, [], $"没有可查看的计划 {TextRules.Echo(planId)}。") })
            {
                StatusCode = StatusCodes.Status404NotFound,
            };
        }

        // A department sent only an assistance letter sees the letter and its task, as the API shows them (PlanReaders).
        var names = Names(registry);
        var draw = s.Draw;
        var participant = s.Input.Participants.Contains(caller.Id);
        var hasNonce = draw is not null && participant && await new DrawNonceVault(store).FindAsync(caller.Id, planId, draw.Attempt, ct) is not null;
        var detail = new PlanDetail(
            s.PlanId,
            s.Input.Title,
            PlanLabels.Kind(s.Input.Kind),
            s.Input.Basis,
            names(s.Initiator),
            names(s.Input.LeadDepartment),
            s.Input.Participants.Select(names).ToArray(),
            s.Input.Matters,
            s.Input.Scope.Regions.Count == 0 ? "全市" : string.Join("、", s.Input.Scope.Regions),
            s.Input.Scope.Industries.Count == 0 ? "全部行业" : string.Join("、", s.Input.Scope.Industries.Select(i => responsibilities.Industries.GetValueOrDefault(i, i))),
            $"{s.Input.Window.From:yyyy年M月d日} 至 {s.Input.Window.To:yyyy年M月d日}",
            PlanLabels.Stage(s.Stage),
            StageClock(s, plans),
            NotActed(s, plans.Rules.Coordinator).Select(names).ToArray(),
            s.Consultation.Responses.Select(r => $"{names(r.Department)}：{(r.Answer == ConsultationAnswer.Confirmed ? "确认" : "异议")}{(r.Reason is null ? "" : "（" + r.Reason + "）")} · {ConsoleClocks.Date(r.At)}").ToArray(),
            draw is null ? null : new PlanDrawDetail(
                draw.Attempt,
                draw.RosterHash,
                draw.Targets,
                draw.Officers,
                s.Input.Participants.Select(p => new DrawPartyLine(
                    names(p),
                    draw.Commitments.GetValueOrDefault(p),
                    // Nonces are secret until every participant has revealed; the record holds them once drawn.
                    draw.Record?.Nonces.GetValueOrDefault(p),
                    draw.Nonces.ContainsKey(p))).ToArray(),
                draw.Record?.Seed,
                draw.FailedReason),
            s.Tasks.Select(t => new PlanTaskLine(
                t.TaskId,
                t.TargetId,
                t.CreditCode,
                t.Officers.Select(o => $"{names(o.Department)} {o.OfficerId}").ToArray(),
                t.Status == Domain.Enforcement.Plans.TaskStatus.Done ? "已完成" : "检查中",
                t.Result is { } r ? PlanVocabulary.ResultCodes.GetValueOrDefault(r.ResultCode, r.ResultCode) : null,
                t.Result?.Findings.Select(f => f.Text).ToArray() ?? [],
                t.Status == Domain.Enforcement.Plans.TaskStatus.Assigned && s.Stage == PlanStage.Inspecting && t.Departments.Contains(caller.Id))).ToArray(),
            new PlanActions(
                MayRespond: s.Stage == PlanStage.Consultation && participant && s.Consultation.Responses.All(r => r.Department != caller.Id),
                MayCommit: s.Stage == PlanStage.Committing && participant && draw?.Commitments.ContainsKey(caller.Id) == false,
                MayReveal: s.Stage == PlanStage.Revealing && participant && draw?.Nonces.ContainsKey(caller.Id) == false,
                NonceKept: hasNonce,
                MayApprove: s.Stage == PlanStage.AwaitingApproval && caller.Principal.Has(PrincipalRole.Coordinator),
                MayPublish: s.Stage == PlanStage.AwaitingPublication && s.Input.LeadDepartment == caller.Id),
            verification is null ? null : new PlanVerification(verification.IsValid, verification.Mismatch),
            ConsoleClocks.LocalInput(plans.Now));
        return new RazorComponentResult<PlanPage>(new { Model = new PlanDetailModel(caller.Principal.DisplayName, form, detail, notice, errors, error) }) { StatusCode = status };
    }

    private static RazorComponentResult NewPlan(
        HttpContext http, Caller caller, PrincipalRegistry registry, ResponsibilityList responsibilities, IReadOnlyDictionary<string, IReadOnlyList<string>> values,
        IReadOnlyList<ConsoleFieldError> errors, string? error, int status)
    {
        var departments = registry.All.Where(p => p.Has(PrincipalRole.Department)).Select(p => (p.Id, p.DisplayName)).ToArray();
        var industries = responsibilities.Industries.Select(i => (i.Key, i.Value)).ToArray();
        var model = new NewPlanModel(caller.Principal.DisplayName, ConsoleEndpoints.FormFor(http), departments, industries, values, errors, error);
        return new RazorComponentResult<NewPlanPage>(new { Model = model }) { StatusCode = status };
    }

    private static Func<string, string> Names(PrincipalRegistry registry) => id => registry.Find(id)?.DisplayName ?? id;

    /// <summary>Whose step the plan waits for, by stage.</summary>
    private static IReadOnlyList<string> NotActed(PlanState s, string coordinator) => s.Stage switch
    {
        PlanStage.Consultation => PlanMachine.NotResponded(s),
        PlanStage.Returned => [s.Initiator],
        PlanStage.AwaitingApproval or PlanStage.DrawFailed => [coordinator],
        PlanStage.Committing when s.Draw is { } d => PlanMachine.Missing(s, d.Commitments),
        PlanStage.Revealing when s.Draw is { } d => PlanMachine.Missing(s, d.Nonces),
        PlanStage.Inspecting => PlanMachine.OpenDepartments(s),
        PlanStage.AwaitingPublication => [s.Input.LeadDepartment],
        _ => [],
    };

    /// <summary>The clock of the current stage, when it has one.</summary>
    private static ConsoleClock? StageClock(PlanState s, PlanService plans)
    {
        var (now, calendar) = (plans.Now, plans.Calendar);
        return s.Stage switch
        {
            PlanStage.Consultation => ConsoleClocks.Of("会商期限", s.Consultation.Clock.On(calendar), now, calendar),
            PlanStage.Committing when s.Draw is { } d => ConsoleClocks.Of("承诺期限", d.CommitClock.On(calendar), now, calendar),
            PlanStage.Revealing when s.Draw?.RevealClock is { } reveal => ConsoleClocks.Of("揭示期限", reveal.On(calendar), now, calendar),
            PlanStage.Inspecting or PlanStage.AwaitingPublication when s.PublishClock is { } publish => ConsoleClocks.Of("公示期限", publish.On(calendar), now, calendar),
            _ => null,
        };
    }
}

/// <summary>The Chinese names of a plan's stages and kinds.</summary>
internal static class PlanLabels
{
    public static readonly IReadOnlyList<(string Code, string Label)> Kinds =
        [("double-random", "部门联合双随机抽查"), ("joint-inspection", "联合检查"), ("special-campaign", "专项整治")];

    public static string Kind(string code) => Kinds.FirstOrDefault(k => k.Code == code).Label ?? code;

    public static string Stage(PlanStage stage) => stage switch
    {
        PlanStage.Consultation => "会商中",
        PlanStage.Returned => "已退回发起部门",
        PlanStage.AwaitingApproval => "待协调机构批准",
        PlanStage.Committing => "抽取：提交承诺",
        PlanStage.Revealing => "抽取：揭示随机数",
        PlanStage.DrawFailed => "抽取未成",
        PlanStage.Inspecting => "检查实施中",
        PlanStage.AwaitingPublication => "待公示",
        _ => "已公示办结",
    };
}
