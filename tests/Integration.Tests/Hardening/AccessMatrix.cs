using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Approvals;
using Integration.Tests.Enforcement.Plans;
using Integration.Tests.Leads;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>What one function answers each principal of <see cref="AccessMatrix.Principals"/>, in that order.</summary>
public sealed record AccessRow(int[] Expected, string? Body = null, IReadOnlyDictionary<string, string>? Values = null);

/// <summary>
/// The access matrix: for every HTTP function (by function name, which stays when a route moves), the status each
/// principal gets against the records <see cref="AccessMatrixPlatform"/> seeds. Commands are sent an empty body where
/// they take one, so a caller the rule lets through meets the body's validation (400) or the record's state (409) and
/// changes nothing, while any other is refused (401, 403) before its body is read.
/// </summary>
public static class AccessMatrix
{
    /// <summary>housing takes part in every seeded record; sports in none; water was sent an assistance letter only.</summary>
    public static readonly string[] Principals = ["anonymous", "ndrc", "housing", "sports", "approval-system", "trading-center", "admin"];

    public const string LetterRecipient = "water";

    private static AccessRow R(string statuses, string? body = null, params (string Key, string Value)[] values) =>
        new(statuses.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(), body, values.Length == 0 ? null : values.ToDictionary(v => v.Key, v => v.Value));

    //                                                                  anon ndrc hous sprt aprv trad admn
    public static readonly IReadOnlyDictionary<string, AccessRow> Rows = new Dictionary<string, AccessRow>(StringComparer.Ordinal)
    {
        ["health"] = R("200 200 200 200 200 200 200"),
        ["calendar-day"] = R("200 200 200 200 200 200 200"),
        ["calendar-deadline"] = R("400 400 400 400 400 400 400"),
        ["me"] = R("401 200 200 200 200 200 200"),
        ["principals"] = R("401 200 403 403 403 403 200"),
        ["audit-history"] = R("401 200 403 403 403 403 200"),
        ["audit-verify"] = R("401 200 403 403 403 403 200"),
        ["admin-calendar-reload"] = R("401 403 403 403 403 403 200"),
        ["admin-dead-letters"] = R("401 403 403 403 403 403 200"),
        ["admin-dead-letter-resubmit"] = R("401 403 403 403 403 403 404"),
        ["admin-subscriptions"] = R("401 403 403 403 403 403 200"),
        ["admin-stuck-deadlines"] = R("401 403 403 403 403 403 200"),
        ["admin-stuck-deadline-retry"] = R("401 403 403 403 403 403 404"),
        ["subscription-receive"] = R("401 403 200 403 403 403 200"),
        ["subscription-complete"] = R("401 403 410 403 403 403 403"),
        ["subscription-abandon"] = R("401 403 410 403 403 403 403"),
        ["admin-orchestrations"] = R("401 403 403 403 403 403 503"),
        ["admin-orchestration-probe"] = R("401 403 403 403 403 403 503"),
        ["admin-orchestration-get"] = R("401 403 403 403 403 403 503"),
        ["admin-orchestration-terminate"] = R("401 403 403 403 403 403 503"),
        ["admin-orchestration-event"] = R("401 403 403 403 403 403 503"),
        ["admin-orchestration-purge"] = R("401 403 403 403 403 403 503"),
        ["approvals-push"] = R("401 403 403 403 400 403 403"),
        ["approvals-list"] = R("401 200 200 200 200 403 200"),
        ["approvals-get"] = R("401 200 200 403 200 403 200"),
        ["approvals-claim"] = R("401 403 200 403 403 403 403"),
        ["approvals-decline"] = R("401 400 400 403 403 403 403"),
        ["approvals-assign"] = R("401 400 403 403 403 403 403"),
        ["admin-quarantine"] = R("401 403 403 403 403 403 200"),
        ["lead-submit"] = R("401 403 403 403 403 400 403"),
        ["lead-list"] = R("401 200 200 200 200 200 200"),
        ["lead-get"] = R("401 200 200 403 403 200 200"),
        ["lead-receipt"] = R("401 403 400 403 403 403 403"),
        ["lead-return"] = R("401 403 409 403 403 403 403"),
        ["lead-completion"] = R("401 403 409 403 403 403 403"),
        ["lead-result"] = R("401 403 409 403 403 403 403"),
        ["lead-route"] = R("401 400 403 403 403 403 403"),
        ["enforcement-officers-put"] = R("401 403 400 403 403 403 400"),
        ["enforcement-officers-get"] = R("401 200 200 403 403 403 200"),
        ["enforcement-targets-put"] = R("401 400 403 403 403 403 400"),
        ["enforcement-targets-get"] = R("401 200 403 403 403 403 200"),
        ["plan-create"] = R("401 400 400 400 403 403 403"),
        ["plan-list"] = R("401 200 200 200 200 200 200"),
        ["plan-get"] = R("401 200 200 403 403 403 200"),
        ["plan-amend"] = R("401 403 403 403 403 403 403"),
        ["plan-confirm"] = R("401 403 409 403 403 403 403"),
        ["plan-object"] = R("401 403 409 403 403 403 403"),
        ["plan-approve"] = R("401 409 403 403 403 403 403"),
        ["plan-draw"] = R("401 200 200 403 403 403 200"),
        ["plan-draw-verify"] = R("401 200 200 403 403 403 200"),
        ["plan-draw-commit"] = R("401 403 409 403 403 403 403"),
        ["plan-draw-reveal"] = R("401 403 409 403 403 403 403"),
        ["plan-draw-restart"] = R("401 409 403 403 403 403 403"),
        ["plan-tasks"] = R("401 200 200 403 403 403 200"),
        ["plan-task-result"] = R("401 403 409 403 403 403 403"),
        ["plan-task-recusal"] = R("401 403 409 403 403 403 403"),
        ["plan-task-exception"] = R("401 403 409 403 403 403 403"),
        ["plan-finding-lead"] = R("401 400 400 403 403 403 403"),
        ["plan-suspend"] = R("401 400 400 403 403 403 403"),
        ["plan-resume"] = R("401 409 409 403 403 403 403"),
        ["plan-assistance-answer"] = R("401 403 403 403 403 403 403"),
        ["plan-publish"] = R("401 403 409 403 403 403 403"),
        ["plan-public"] = R("200 200 200 200 200 200 200"),
        ["reports-coordination-request"] = R("401 400 403 403 403 403 400"),
        ["reports-coordination-get"] = R("401 200 200 200 403 403 200"),
        ["reports-coordination-ack"] = R("401 200 200 200 403 403 403"),
        ["reports-coordination-html"] = R("401 200 200 200 403 403 200"),
        ["reports-coordination-xlsx"] = R("401 200 200 200 403 403 200"),
        ["reports-coordination-agenda"] = R("401 409 409 409 403 403 403"),
        ["reports-coordination-meeting-get"] = R("401 200 200 200 403 403 200"),
        ["reports-coordination-meeting-schedule"] = R("401 409 403 403 403 403 403"),
        ["reports-coordination-meeting-minutes"] = R("401 400 403 403 403 403 403"),
        ["meetings-request"] = R("401 400 400 400 403 403 403"),
        ["meetings-get"] = R("401 200 200 403 403 403 200"),
        ["meetings-schedule"] = R("401 400 403 403 403 403 403"),
        ["meetings-decline"] = R("401 400 403 403 403 403 403"),
        ["meetings-minutes"] = R("401 409 403 403 403 403 403"),
        ["meetings-actions-list"] = R("401 200 200 200 403 403 200"),
        ["meetings-action-close"] = R("401 403 400 403 403 403 403"),
    };
}

/// <summary>The records the matrix is run against, and the route values that name them.</summary>
public sealed record Seeded(string PlanId, string TaskId, string LetterId, string ApprovalId, string LeadId, string ExtraMeetingId, string ActionId)
{
    public const string LetterFinding = "协助事项：该项目施工许可手续存疑，请水务局核查";
    public const string PrivateFinding = "内部：投标人A与B的投标文件由同一台电脑制作";
    public const string ExtraReason = "住建局申请召开临时协调会：汛期前排水管网项目集中招标";

    public IReadOnlyDictionary<string, string> RouteValues(IReadOnlyDictionary<string, string>? overrides)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["planId"] = PlanId, ["taskId"] = TaskId, ["letterId"] = LetterId, ["finding"] = "1", ["approvalId"] = ApprovalId, ["leadId"] = LeadId,
            ["period"] = "2026Q1", ["meetingId"] = ExtraMeetingId, ["actionId"] = ActionId, ["department"] = "housing",
            ["topic"] = "approvals", ["subscription"] = "housing", ["messageId"] = "no-such-message", ["lockToken"] = Guid.Empty.ToString(),
            ["id"] = "no-such-id", ["kind"] = "plan", ["instanceId"] = "no-such-instance", ["eventName"] = "probe-ack", ["date"] = "2026-03-02",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }

        if (!overrides?.ContainsKey("id") ?? true)
        {
            values["id"] = values["kind"] == "plan" ? PlanId : values["id"];
        }

        return values;
    }
}

/// <summary>
/// The app with one record of each kind, all involving housing: an approval routed to it, a lead relayed to it, a
/// drawn plan it leads whose first task has a result with a finding for water (an assistance letter) and one for the
/// task alone, the 2026Q1 report, its meeting minuted with action items for housing and market, and housing's request
/// for an extra meeting.
/// </summary>
public sealed class AccessMatrixPlatform : PlanPlatform
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private Seeded? seeded;

    public async Task<Seeded> SeededAsync()
    {
        await gate.WaitAsync(Cancellation);
        try
        {
            return seeded ??= await SeedAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Seeded> SeedAsync()
    {
        SetTime(Start);
        var approvalId = "AM-APPROVAL-1";
        (await this.PushAsync(ApprovalData.Valid(approvalId))).EnsureSuccessStatusCode();
        var leadId = "AM-LEAD-1";
        (await ClientFor("trading-center").PostAsJsonAsync("/api/leads", LeadPlatform.Lead(leadId, "2026-03-02T09:00:00+08:00"), Cancellation)).EnsureSuccessStatusCode();

        var planId = "am-plan";
        await DrawnAsync(planId);
        SetTime(new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.FromHours(8)));
        var task = (await GetAsync("ndrc", $"/api/enforcement/plans/{planId}/tasks")).GetProperty("tasks").EnumerateArray()
            .First(t => t.GetProperty("departments").EnumerateArray().Any(d => d.GetString() == "housing"));
        var taskId = task.GetProperty("taskId").GetString()!;
        await PostAsync("housing", $"/api/enforcement/plans/{planId}/tasks/{taskId}/result", PlanMachineTests.Result(
            "pending",
            new JsonObject { ["text"] = Seeded.LetterFinding, ["category"] = "other", ["department"] = AccessMatrix.LetterRecipient },
            new JsonObject { ["text"] = Seeded.PrivateFinding, ["category"] = "bid-rigging" }));
        var letterId = (await GetAsync("ndrc", $"/api/enforcement/plans/{planId}")).GetProperty("letters")[0].GetProperty("letterId").GetString()!;

        await PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" }, HttpStatusCode.Created);
        await PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting", new JsonObject { ["at"] = "2026-03-05T14:00:00+08:00" });
        SetTime(new DateTimeOffset(2026, 3, 5, 16, 0, 0, TimeSpan.FromHours(8)));
        var held = await PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", new JsonObject
        {
            ["summary"] = "2026年第一季度招标投标监管协调会商",
            ["decisions"] = new JsonArray("住建局限期整改"),
            ["actionItems"] = new JsonArray(
                new JsonObject { ["owner"] = "housing", ["what"] = "整改超期未认领项目", ["dueWorkingDays"] = 5 },
                new JsonObject { ["owner"] = "market", ["what"] = "核查围标线索", ["dueWorkingDays"] = 5 }),
        });
        var actionId = held.GetProperty("actionItems").EnumerateArray().First(a => a.GetProperty("owner").GetString() == "housing").GetProperty("id").GetString()!;
        var extra = await PostAsync("housing", "/api/meetings", new JsonObject { ["reason"] = Seeded.ExtraReason }, HttpStatusCode.Created);
        return new Seeded(planId, taskId, letterId, approvalId, leadId, extra.GetProperty("meetingId").GetString()!, actionId);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gate.Dispose();
        }

        base.Dispose(disposing);
    }
}
