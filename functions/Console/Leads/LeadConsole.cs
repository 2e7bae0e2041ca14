using System.Text.Json.Nodes;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Functions.Identity;
using Integration.Functions.Leads;

namespace Integration.Functions.Console;

/// <summary>
/// 线索: the leads relayed to the department with their clocks; sign the receipt, return with reasons, report the
/// result; the coordinator routes what waits for it. Every action is the API's command (<see cref="LeadMachine"/>),
/// run by <see cref="LeadService"/> as the signed-in principal on a body built from the form.
/// </summary>
public static class LeadConsole
{
    private const int PageSize = 100;

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["materials"] = "签收材料",
        ["note"] = "备注",
        ["reason"] = "理由",
        ["outcome"] = "处理结果",
        ["decision"] = "处理决定",
        ["completedAt"] = "办结时间",
        ["department"] = "承办部门",
    };

    private static readonly Dictionary<string, string> Done = new(StringComparer.Ordinal)
    {
        ["receipt"] = "已签收",
        ["return"] = "已退回",
        ["result"] = "处理结果已反馈",
        ["route"] = "已分办",
    };

    public static RouteGroupBuilder MapLeadConsole(this RouteGroupBuilder console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.MapGet("/leads", ListAsync);
        console.MapPost("/leads/{leadId}/{action}", ActAsync);
        return console;
    }

    private static async Task<IResult> ListAsync(HttpContext http, LeadService leads, PrincipalRegistry registry, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        string? notice = http.Request.Query["done"] is { Count: 1 } done && Done.TryGetValue(done.ToString(), out var what)
            && http.Request.Query["id"] is { Count: 1 } id && RecordId.IsValid(id.ToString())
            ? $"线索 {id} {what}。"
            : null;
        return await PageAsync(http, caller, leads, registry, notice, [], null, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> ActAsync(HttpContext http, string leadId, string action, LeadService leads, PrincipalRegistry registry, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (await ConsoleEndpoints.ReadFormFieldsAsync(http) is not { } form)
        {
            return await PageAsync(http, caller, leads, registry, null, [], "表单已过期，请返回线索页重新操作。", StatusCodes.Status400BadRequest, ct);
        }

        if (!Done.ContainsKey(action) || !RecordId.IsValid(leadId) || await leads.GetAsync(leadId, ct) is not { } current
            || !LeadMachine.CanSee(current.State, caller.Id, caller.Principal.SeesEverything))
        {
            return await PageAsync(http, caller, leads, registry, null, [], $"线索 {TextRules.Echo(leadId)} 不存在或未移交本部门。", StatusCodes.Status404NotFound, ct);
        }

        var errors = new List<ConsoleFieldError>();
        var body = Body(action, form, current.State.PartOf(caller.Id), errors);
        if (errors.Count > 0)
        {
            return await PageAsync(http, caller, leads, registry, null, errors, null, StatusCodes.Status400BadRequest, ct);
        }

        var json = ConsoleClocks.Body(body);
        var outcome = await leads.ActAsync(leadId, caller.Id, (state, now, calendar) => action switch
        {
            "receipt" => LeadMachine.Receipt(state, caller.Id, json, now, calendar, leads.Rules),
            "return" => LeadMachine.Return(state, caller.Id, json, now, calendar, leads.Rules),
            "result" => LeadMachine.Result(state, caller.Id, json, now, calendar, leads.Rules),
            _ => LeadMachine.Route(state, caller.Id, caller.Principal.Has(PrincipalRole.Coordinator), json, leads.IsDepartment, now, calendar, leads.Rules),
        }, ct);
        return outcome.Rejection switch
        {
            null => TypedResults.Redirect($"/console/leads?done={action}&id={Uri.EscapeDataString(leadId)}"),
            { Kind: LeadRejectionKind.Invalid } rejected =>
                await PageAsync(http, caller, leads, registry, null, ConsoleClocks.Labelled(rejected.Errors, Labels), null, StatusCodes.Status400BadRequest, ct),
            { Kind: LeadRejectionKind.Forbidden } =>
                await PageAsync(http, caller, leads, registry, null, [], $"本部门无权办理线索 {leadId} 的此项操作。", StatusCodes.Status403Forbidden, ct),
            _ => await PageAsync(http, caller, leads, registry, null, [], $"线索 {leadId} 的当前状态不允许此操作，请刷新后查看。", StatusCodes.Status409Conflict, ct),
        };
    }

    /// <summary>The API body of the action from the form; what the form itself can tell is wrong is said here, in Chinese.</summary>
    private static JsonObject Body(string action, IFormCollection form, Recipient? part, List<ConsoleFieldError> errors)
    {
        string Text(string name) => form[name].ToString().Trim();
        void Require(string name, string message)
        {
            if (Text(name).Length == 0)
            {
                errors.Add(new ConsoleFieldError(name, Labels[name], message));
            }
        }

        switch (action)
        {
            case "receipt":
                return new JsonObject
                {
                    ["materials"] = new JsonArray(form["materials"].Where(m => !string.IsNullOrEmpty(m)).Select(m => (JsonNode)JsonValue.Create(m!)).ToArray()),
                    ["note"] = Text("note").Length == 0 ? null : Text("note"),
                };
            case "return":
                Require("reason", "请填写退回理由。");
                return new JsonObject { ["reason"] = Text("reason") };
            case "result":
                Require("outcome", "请选择处理结果。");
                Require("decision", "请填写处理决定。");
                var body = new JsonObject { ["outcome"] = Text("outcome"), ["decision"] = Text("decision") };
                if (part?.CompletedAt is null)
                {
                    if (ConsoleClocks.FromLocalInput(Text("completedAt")) is { } completed)
                    {
                        // The form gives minutes: the minute the lead arrived in names that moment, not the seconds before it.
                        if (part is not null && completed <= part.RelayedAt && completed.AddMinutes(1) > part.RelayedAt)
                        {
                            completed = part.RelayedAt;
                        }

                        body["completedAt"] = completed.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        errors.Add(new ConsoleFieldError("completedAt", Labels["completedAt"], "请填写办结时间（中国时间，如 2026-11-26 09:30）。"));
                    }
                }

                return body;
            default:
                Require("department", "请选择承办部门。");
                return new JsonObject { ["department"] = Text("department"), ["reason"] = Text("reason").Length == 0 ? null : Text("reason") };
        }
    }

    private static async Task<IResult> PageAsync(
        HttpContext http, Caller caller, LeadService leads, PrincipalRegistry registry, string? notice, IReadOnlyList<ConsoleFieldError> errors, string? error, int status, CancellationToken ct)
    {
        var principal = caller.Principal;
        if (!principal.SeesEverything && !principal.Has(PrincipalRole.Department))
        {
            error = "线索仅供部门与协调机构使用。";
            status = StatusCodes.Status403Forbidden;
        }

        IReadOnlyList<LeadItem> items = [];
        var more = false;
        if (status != StatusCodes.Status403Forbidden)
        {
            var scope = principal.SeesEverything ? null : caller.Id;
            var page = await leads.ListAsync(new LeadQuery(caller.Id, principal.SeesEverything, scope, null, null), PageSize, null, ct);
            items = page?.Items.Select(s => Item(s, caller, leads, registry)).ToArray() ?? [];
            more = page?.NextPageToken is not null;
        }

        var departments = registry.All.Where(p => p.Has(PrincipalRole.Department)).Select(p => (p.Id, p.DisplayName)).ToArray();
        var model = new LeadsModel(principal.DisplayName, ConsoleEndpoints.FormFor(http), items, more, departments, ConsoleClocks.LocalInput(leads.Now), notice, errors, error);
        return new RazorComponentResult<LeadsPage>(new { Model = model }) { StatusCode = status };
    }

    private static LeadItem Item(LeadState state, Caller caller, LeadService leads, PrincipalRegistry registry)
    {
        var now = leads.Now;
        var calendar = leads.Calendar;
        var s = state.Submission;
        var part = state.PartOf(caller.Id);
        var clocks = new List<ConsoleClock>();
        if (part is not null)
        {
            switch (part.Status)
            {
                case RecipientStatus.Relayed:
                    clocks.Add(ConsoleClocks.Of("签收（移交）期限", part.RelayClock.On(calendar), now, calendar));
                    break;
                case RecipientStatus.Received when part.ReturnClock is { } returnClock:
                    clocks.Add(ConsoleClocks.Of("退回期限", returnClock.On(calendar), now, calendar));
                    break;
                case RecipientStatus.Handled when part.FeedbackClock is { } feedback:
                    clocks.Add(ConsoleClocks.Of("结果反馈期限", feedback.On(calendar), now, calendar));
                    break;
                default:
                    break;
            }
        }

        var mayRoute = caller.Principal.Has(PrincipalRole.Coordinator) && state.Assignment is not null;
        if (mayRoute)
        {
            clocks.Add(ConsoleClocks.Of("分办期限", state.Assignment!.Clock.On(calendar), now, calendar));
        }

        string Name(string id) => registry.Find(id)?.DisplayName ?? id;
        return new LeadItem(
            state.LeadId,
            s.Summary,
            s.ProjectCode,
            LeadLabels.Category(s.Category),
            LeadLabels.Status(state.Status),
            ConsoleClocks.Date(s.DiscoveredAt),
            ConsoleClocks.Date(state.RelayedAt),
            part is null ? null : LeadLabels.Part(part.Status),
            clocks,
            s.Evidence,
            state.Recipients.Select(r => $"{Name(r.Department)}：{LeadLabels.Part(r.Status)}{(r.Result is { } result ? "（" + LeadLabels.Outcome(result.Outcome) + "）" : "")}").ToArray(),
            part?.Status == RecipientStatus.Relayed,
            part?.Status == RecipientStatus.Received,
            part?.Status is RecipientStatus.Received or RecipientStatus.Handled,
            part?.CompletedAt is null,
            mayRoute);
    }
}

/// <summary>The Chinese names of the lead vocabularies, as the console shows them.</summary>
internal static class LeadLabels
{
    public static readonly IReadOnlyList<(string Code, string Label)> Outcomes =
        [("penalty", "行政处罚"), ("no-violation", "未发现违法"), ("transferred", "移送其他机关"), ("criminal-case", "刑事立案")];

    public static string Outcome(string code) => Outcomes.FirstOrDefault(o => o.Code == code).Label ?? code;

    public static string Category(string code) => code switch
    {
        "bid-rigging" => "围标串标",
        "fraud" => "弄虚作假",
        "evading-tender" => "规避招标",
        "illegal-subcontracting" => "转包违法分包",
        _ => "其他",
    };

    public static string Status(LeadStatus status) => status switch
    {
        LeadStatus.AwaitingRoute => "待分办",
        LeadStatus.Relayed => "已移交",
        LeadStatus.Received => "办理中",
        LeadStatus.Handled => "处理完毕",
        _ => "已办结",
    };

    public static string Part(RecipientStatus status) => status switch
    {
        RecipientStatus.Relayed => "待签收",
        RecipientStatus.Received => "已签收",
        RecipientStatus.Returned => "已退回",
        RecipientStatus.Handled => "处理完毕",
        _ => "已反馈",
    };
}
