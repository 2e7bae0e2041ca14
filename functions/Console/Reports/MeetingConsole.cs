using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Reports;
using Integration.Domain.Reports.Meetings;
using Integration.Functions.Identity;
using Integration.Functions.Reports.Meetings;

namespace Integration.Functions.Console.Reports;

/// <summary>The period's coordination meeting as the 协调通报 page shows it: when (China time), the agenda, the minutes once recorded.</summary>
public sealed record MeetingPanel(
    string Period,
    string Status,
    string? At,
    string? AtInput,
    IReadOnlyList<string> Agenda,
    bool AgendaSet,
    string? MinutesSummary,
    IReadOnlyList<string> Decisions,
    string? MinutesRecordedAt,
    bool MaySchedule,
    bool MayRecordMinutes,
    string? MinutesOpenAt);

/// <summary>One action item (督办事项) with its working-day clock, and whether the signed-in department may close it.</summary>
public sealed record ActionRow(
    string Id,
    string MeetingId,
    string? Period,
    string Owner,
    string What,
    ConsoleClock Clock,
    bool Open,
    string? ClosedAt,
    string? Outcome,
    bool Late,
    int WorkingDaysLate,
    bool MayClose);

/// <summary>
/// The meeting on 协调通报: ndrc schedules the period's meeting and, after its time, records the minutes with action items;
/// each owner department closes its items. Runs the same <see cref="MeetingMachine"/> commands as <c>/api/reports/coordination/{period}/meeting</c>
/// and <c>/api/meetings/actions/{id}/close</c>, through <see cref="MeetingService"/> as the signed-in principal.
/// </summary>
public static class MeetingConsole
{
    /// <summary>How many action-item rows the minutes form offers; more items go through the API.</summary>
    public const int MinuteRows = 3;

    /// <summary>How many of the caller's action items the page lists.</summary>
    private const int ActionsListed = 50;

    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["at"] = "会商时间",
        ["agenda"] = "会商议题",
        ["summary"] = "会议纪要",
        ["decisions"] = "议定事项",
        ["actionItems"] = "督办事项",
        ["outcome"] = "办理结果",
    };

    public static RouteGroupBuilder MapMeetingConsole(this RouteGroupBuilder console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.MapPost("/reports/{period}/meeting", ScheduleAsync);
        console.MapPost("/reports/{period}/meeting/minutes", MinutesAsync);
        console.MapPost("/reports/actions/{actionId}/close", CloseAsync);
        return console;
    }

    /// <summary>The period's meeting (a fresh one while nobody has acted on it) and the caller's action items.</summary>
    internal static async Task<(MeetingPanel Meeting, IReadOnlyList<ActionRow> Actions)> LoadAsync(
        MeetingService meetings, PrincipalRegistry registry, Caller caller, string period, CancellationToken ct)
    {
        var state = (await meetings.GetAsync(period, ct))?.State ?? MeetingMachine.ForPeriod(period);
        var now = meetings.Now;
        var coordinator = caller.Principal.Has(PrincipalRole.Coordinator);
        string Name(string id) => registry.Find(id)?.DisplayName ?? id;

        var agendaSet = state.Status is MeetingStatus.Scheduled or MeetingStatus.Held;
        var agenda = agendaSet
            ? state.Agenda
            : [.. await meetings.AcknowledgedAgendaAsync(period, ct), .. state.Submitted];
        var panel = new MeetingPanel(
            period,
            state.Status switch { MeetingStatus.Scheduled => "已排期", MeetingStatus.Held => "已召开", _ => "征集议题" },
            state.At is { } at ? ConsoleClocks.Date(at) : null,
            state.At is { } when ? ConsoleClocks.LocalInput(when) : null,
            agenda.Select(i => $"{i.Title}（{Name(i.SubmittedBy)}）").ToArray(),
            agendaSet,
            state.Minutes?.Summary,
            state.Minutes?.Decisions ?? [],
            state.Minutes is { } m ? ConsoleClocks.Date(m.RecordedAt) : null,
            coordinator && state.Status is MeetingStatus.Gathering or MeetingStatus.Scheduled,
            coordinator && state.Status == MeetingStatus.Scheduled && now >= state.At,
            coordinator && state.Status == MeetingStatus.Scheduled && now < state.At ? ConsoleClocks.Date(state.At!.Value) : null);

        var page = await meetings.ListActionsAsync(caller.Id, caller.Principal.SeesEverything, null, null, ActionsListed, null, ct);
        var calendar = meetings.Calendar;
        var actions = (page?.Items ?? []).Select(item => new ActionRow(
            item.Id,
            item.MeetingId,
            item.Period,
            Name(item.Owner),
            item.What,
            ConsoleClocks.Of("办理期限", item.Clock.On(calendar), now, calendar),
            item.Status == ActionItemStatus.Open,
            item.ClosedAt is { } closed ? ConsoleClocks.Date(closed) : null,
            item.Outcome,
            item.Lateness?.Late ?? false,
            item.Lateness?.WorkingDaysLate ?? 0,
            item.Status == ActionItemStatus.Open && item.Owner == caller.Id)).ToArray();
        return (panel, actions);
    }

    /// <summary>The member departments for the owner select, in the registry's order of ids.</summary>
    internal static IReadOnlyList<(string Id, string Name)> Departments(MeetingService meetings, PrincipalRegistry registry) =>
        meetings.Rules.Departments.Select(id => (id, registry.Find(id)?.DisplayName ?? id)).ToArray();

    /// <summary>ndrc sets (or moves) the meeting: a China-time <c>datetime-local</c> and optional agenda lines.</summary>
    private static async Task<IResult> ScheduleAsync(HttpContext http, string period, MeetingService meetings, CancellationToken ct)
    {
        var (signedIn, posted, refused) = await BeginAsync(http, period, meetings, "只有协调机构安排会商。", ct);
        if (refused is not null)
        {
            return refused;
        }

        var (caller, form) = (signedIn!, posted!);

        var errors = new List<ConsoleFieldError>();
        var body = new JsonObject();
        var at = ConsoleClocks.FromLocalInput(form["at"].ToString().Trim());
        if (at is null)
        {
            Add(errors, "at", "请选择会商时间（北京时间）。");
        }
        else if (at <= meetings.Now)
        {
            Add(errors, "at", "会商时间须晚于现在。");
        }
        else if (at > meetings.Now + MeetingInputs.MaxLeadTime)
        {
            Add(errors, "at", "会商时间不得晚于一年以后。");
        }
        else
        {
            body["at"] = at.Value.ToString("O", CultureInfo.InvariantCulture);
        }

        var agenda = Lines(form["agenda"].ToString());
        if (agenda.Length > MeetingInputs.MaxAgendaItems)
        {
            Add(errors, "agenda", $"议题最多 {MeetingInputs.MaxAgendaItems} 条。");
        }

        for (var i = 0; i < agenda.Length; i++)
        {
            if (agenda[i].Length > MeetingInputs.MaxTitleLength || TextRules.Problem(agenda[i]) is not null)
            {
                Add(errors, "agenda", $"第 {i + 1} 条议题须为 1 至 {MeetingInputs.MaxTitleLength} 字，且不含控制字符。");
            }
        }

        if (agenda.Length > 0)
        {
            body["agenda"] = new JsonArray([.. agenda.Select(t => (JsonNode)new JsonObject { ["title"] = t })]);
        }

        if (errors.Count > 0)
        {
            return await ReportConsole.ShowAsync(http, caller, period, null, null, errors, StatusCodes.Status400BadRequest, ct);
        }

        var acknowledged = await meetings.AcknowledgedAgendaAsync(period, ct);
        var json = ConsoleClocks.Body(body);
        var outcome = await meetings.ActAsync(
            period, caller.Id, (s, now, _) => MeetingMachine.Schedule(s, caller.Id, caller.Principal.Has(PrincipalRole.Coordinator), json, acknowledged, now, meetings.Rules),
            MeetingMachine.ForPeriod(period), ct);
        return await AnswerAsync(http, caller, period, outcome, "scheduled", "会商已召开，不能再改期。", ct);
    }

    /// <summary>ndrc records the minutes after the meeting's time, with up to <see cref="MinuteRows"/> action items.</summary>
    private static async Task<IResult> MinutesAsync(HttpContext http, string period, MeetingService meetings, CancellationToken ct)
    {
        var (signedIn, posted, refused) = await BeginAsync(http, period, meetings, "只有协调机构录入会议纪要。", ct);
        if (refused is not null)
        {
            return refused;
        }

        var (caller, form) = (signedIn!, posted!);

        var errors = new List<ConsoleFieldError>();
        var summary = form["summary"].ToString().Trim();
        if (summary.Length == 0)
        {
            Add(errors, "summary", "请填写会议纪要。");
        }
        else if (summary.Length > 4000 || TextRules.Problem(summary) is not null)
        {
            Add(errors, "summary", "会议纪要须为 1 至 4000 字，且不含控制字符。");
        }

        var decisions = Lines(form["decisions"].ToString());
        if (decisions.Length > MeetingInputs.MaxDecisions)
        {
            Add(errors, "decisions", $"议定事项最多 {MeetingInputs.MaxDecisions} 条。");
        }

        for (var i = 0; i < decisions.Length; i++)
        {
            if (decisions[i].Length > 1000 || TextRules.Problem(decisions[i]) is not null)
            {
                Add(errors, "decisions", $"第 {i + 1} 条议定事项须为 1 至 1000 字，且不含控制字符。");
            }
        }

        // Rows are read by position: every row posts its three fields, empty ones included; a row left blank is skipped.
        var owners = form["owner"];
        var whats = form["what"];
        var dues = form["due"];
        var items = new JsonArray();
        var rows = Math.Min(MinuteRows, Math.Max(owners.Count, Math.Max(whats.Count, dues.Count)));
        for (var i = 0; i < rows; i++)
        {
            var owner = i < owners.Count ? owners[i]?.Trim() ?? "" : "";
            var what = i < whats.Count ? whats[i]?.Trim() ?? "" : "";
            var dueText = i < dues.Count ? dues[i]?.Trim() ?? "" : "";
            if (owner.Length == 0 && what.Length == 0 && dueText.Length == 0)
            {
                continue;
            }

            var row = $"第 {i + 1} 行";
            var field = $"actionItems-{i}";
            if (!meetings.Rules.IsDepartment(owner))
            {
                errors.Add(new ConsoleFieldError(field, $"督办事项{row}责任部门", "请选择成员部门。"));
            }

            if (what.Length == 0 || what.Length > 1000 || TextRules.Problem(what) is not null)
            {
                errors.Add(new ConsoleFieldError(field, $"督办事项{row}事项", "须为 1 至 1000 字，且不含控制字符。"));
            }

            if (!int.TryParse(dueText, NumberStyles.None, CultureInfo.InvariantCulture, out var due) || due < 1 || due > MeetingInputs.MaxDueWorkingDays)
            {
                errors.Add(new ConsoleFieldError(field, $"督办事项{row}办理时限", $"须为 1 至 {MeetingInputs.MaxDueWorkingDays} 之间的整数（工作日）。"));
            }

            items.Add(new JsonObject { ["owner"] = owner, ["what"] = what, ["dueWorkingDays"] = due });
        }

        if (errors.Count > 0)
        {
            return await ReportConsole.ShowAsync(http, caller, period, null, null, errors, StatusCodes.Status400BadRequest, ct);
        }

        var json = ConsoleClocks.Body(new JsonObject
        {
            ["summary"] = summary,
            ["decisions"] = new JsonArray([.. decisions.Select(d => (JsonNode)JsonValue.Create(d))]),
            ["actionItems"] = items,
        });
        var outcome = await meetings.ActAsync(
            period, caller.Id, (s, now, calendar) => MeetingMachine.RecordMinutes(s, caller.Id, caller.Principal.Has(PrincipalRole.Coordinator), json, now, calendar, meetings.Rules),
            MeetingMachine.ForPeriod(period), ct);
        var conflict = outcome.Record?.State is { Status: MeetingStatus.Scheduled, At: { } at }
            ? $"会商定于 {ConsoleClocks.Date(at)}（北京时间）召开，召开后方可录入纪要。"
            : outcome.Record?.State.Minutes is not null ? "本次会商的纪要已录入，且与所填不同；纪要只录入一次。" : "会商尚未排期，排期并召开后方可录入纪要。";
        return await AnswerAsync(http, caller, period, outcome, "minutes", conflict, ct);
    }

    /// <summary>The owner department closes an action item with its outcome.</summary>
    private static async Task<IResult> CloseAsync(HttpContext http, string actionId, MeetingService meetings, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (await ConsoleEndpoints.ReadFormFieldsAsync(http) is not { } form)
        {
            return await ReportConsole.ShowAsync(http, caller, null, null, "表单已过期，请返回协调通报重新操作。", [], StatusCodes.Status400BadRequest, ct);
        }

        if (MeetingNames.MeetingOf(actionId) is not { } meetingId || await meetings.GetAsync(meetingId, ct) is not { } current
            || current.State.ActionItem(actionId) is not { } item)
        {
            return await ReportConsole.ShowAsync(http, caller, null, null, $"没有督办事项 {TextRules.Echo(actionId)}。", [], StatusCodes.Status404NotFound, ct);
        }

        if (item.Owner != caller.Id)
        {
            return await ReportConsole.ShowAsync(http, caller, item.Period, null, $"督办事项 {actionId} 由责任部门办结，本部门不能办结。", [], StatusCodes.Status403Forbidden, ct);
        }

        var outcomeText = form["outcome"].ToString().Trim();
        if (outcomeText.Length == 0 || outcomeText.Length > 2000 || TextRules.Problem(outcomeText) is not null)
        {
            List<ConsoleFieldError> errors = [new("outcome-" + actionId, $"{Labels["outcome"]}（{actionId}）", outcomeText.Length == 0 ? "请填写办理结果。" : "须为 1 至 2000 字，且不含控制字符。")];
            return await ReportConsole.ShowAsync(http, caller, item.Period, null, null, errors, StatusCodes.Status400BadRequest, ct);
        }

        var json = ConsoleClocks.Body(new JsonObject { ["outcome"] = outcomeText });
        var outcome = await meetings.ActAsync(meetingId, caller.Id, (s, now, calendar) => MeetingMachine.CloseAction(s, actionId, caller.Id, json, now, calendar, meetings.Rules), null, ct);
        if (outcome.Rejection is { } rejection)
        {
            return rejection.Kind == MeetingRejectionKind.Invalid
                ? await ReportConsole.ShowAsync(http, caller, item.Period, null, null, ConsoleClocks.Labelled(rejection.Errors, Labels), StatusCodes.Status400BadRequest, ct)
                : await ReportConsole.ShowAsync(http, caller, item.Period, null, $"督办事项 {actionId} 已以其他办理结果办结。", [], StatusCodes.Status409Conflict, ct);
        }

        var back = item.Period is { } period ? $"period={Uri.EscapeDataString(period)}&" : "";
        return TypedResults.Redirect($"/console/reports?{back}done=closed");
    }

    /// <summary>Signed in, a valid form, the coordinator, a period with a report: the caller and the form, or the page saying why not.</summary>
    private static async Task<(Caller? Caller, IFormCollection? Form, IResult? Refused)> BeginAsync(
        HttpContext http, string period, MeetingService meetings, string forbidden, CancellationToken ct)
    {
        if (await ConsoleEndpoints.SignedInAsync(http) is not { } caller)
        {
            return (null, null, TypedResults.Redirect("/console/sign-in"));
        }

        var form = await ConsoleEndpoints.ReadFormFieldsAsync(http);
        var valid = ReportPeriod.Parse(period).Problem is null;
        (string Message, int Status)? refusal = form is null
            ? ("表单已过期，请返回协调通报重新操作。", StatusCodes.Status400BadRequest)
            : !caller.Principal.Has(PrincipalRole.Coordinator)
                ? (forbidden, StatusCodes.Status403Forbidden)
                : !valid
                    ? ("通报期间无效。", StatusCodes.Status400BadRequest)
                    : !await meetings.ReportExistsAsync(period, ct)
                        ? ($"{period} 尚无协调通报；会商在通报之后召开。", StatusCodes.Status404NotFound)
                        : null;
        return refusal is { } r
            ? (caller, form, await ReportConsole.ShowAsync(http, caller, valid ? period : null, null, r.Message, [], r.Status, ct))
            : (caller, form, null);
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, Caller caller, string period, MeetingOutcome outcome, string done, string conflict, CancellationToken ct) =>
        outcome.Rejection switch
        {
            { Kind: MeetingRejectionKind.Invalid } r => await ReportConsole.ShowAsync(http, caller, period, null, null, ConsoleClocks.Labelled(r.Errors, Labels), StatusCodes.Status400BadRequest, ct),
            { Kind: MeetingRejectionKind.Forbidden } => await ReportConsole.ShowAsync(http, caller, period, null, "只有协调机构安排会商、录入纪要。", [], StatusCodes.Status403Forbidden, ct),
            { } => await ReportConsole.ShowAsync(http, caller, period, null, conflict, [], StatusCodes.Status409Conflict, ct),
            null => TypedResults.Redirect($"/console/reports?period={Uri.EscapeDataString(period)}&done={done}"),
        };

    private static void Add(List<ConsoleFieldError> errors, string field, string message) => errors.Add(new ConsoleFieldError(field, Labels[field], message));

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
