using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Reports.Meetings;
using Integration.Tests.Enforcement.Plans;
using Integration.Tests.Leads;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>
/// Requests far larger than a Table transaction's 100 operations, which once answered 500: minutes with 200 action items,
/// task results with 500 findings each sending an assistance letter, and suspending a plan with a thousand letters open.
/// </summary>
[Trait("lane", "integration")]
public sealed class LargeRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Minutes_with_the_most_action_items_are_recorded_each_on_its_clock_and_one_more_is_a_400()
    {
        using var platform = new LeadPlatform();
        platform.SetTime(new DateTimeOffset(2026, 4, 27, 10, 0, 0, TimeSpan.FromHours(8)));
        await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting", new JsonObject { ["at"] = "2026-04-30T09:30:00+08:00" })).ReadJsonAsync();
        platform.SetTime(new DateTimeOffset(2026, 4, 30, 16, 0, 0, TimeSpan.FromHours(8)));

        var tooMany = await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", Minutes(MeetingInputs.MaxActionItems + 1)))
            .ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["actionItems"], tooMany.ErrorFields());

        Assert.Equal(200, MeetingInputs.MaxActionItems);
        var held = await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", Minutes(MeetingInputs.MaxActionItems))).ReadJsonAsync();
        var items = held.GetProperty("actionItems").EnumerateArray().ToArray();
        Assert.Equal(200, items.Length);
        Assert.All(items, i => Assert.Equal("2026-05-08", i.GetProperty("deadline").GetProperty("deadline").GetString()));
        var meeting = await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1/meeting", Ct)).ReadJsonAsync();
        Assert.Equal("held", meeting.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Results_with_the_most_findings_send_their_letters_and_a_plan_with_a_thousand_letters_open_is_suspended()
    {
        using var platform = new PlanPlatform();
        platform.SetTime(PlanPlatform.Start);
        await platform.DrawnAsync("many-letters");
        platform.SetTime(new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.FromHours(8)));
        var tasks = (await platform.GetAsync("ndrc", "/api/enforcement/plans/many-letters/tasks")).GetProperty("tasks").EnumerateArray().ToArray();
        Assert.True(tasks.Length >= 2, $"{tasks.Length} tasks");

        Assert.Equal(500, PlanInputs.MaxFindings);
        var letters = 0;
        foreach (var task in tasks.Take(2))
        {
            var owner = task.GetProperty("departments")[0].GetString()!;
            var path = $"/api/enforcement/plans/many-letters/tasks/{task.GetProperty("taskId").GetString()}/result";
            var tooMany = await platform.PostAsync(owner, path, Result(PlanInputs.MaxFindings + 1), HttpStatusCode.BadRequest);
            Assert.Equal(["findings"], tooMany.ErrorFields());
            await platform.PostAsync(owner, path, Result(PlanInputs.MaxFindings));
            letters += PlanInputs.MaxFindings;
        }

        var plan = await platform.PlanAsync("many-letters");
        Assert.Equal(letters, plan.GetProperty("letters").GetArrayLength());

        await platform.PostAsync("ndrc", "/api/enforcement/plans/many-letters/suspend", new JsonObject { ["reason"] = "接上级通知，暂停本轮抽查" });
        var suspended = await platform.PlanAsync("many-letters");
        Assert.Equal("suspended", suspended.GetProperty("stage").GetString());
        await platform.PostAsync("ndrc", "/api/enforcement/plans/many-letters/resume");
        Assert.NotEqual("suspended", (await platform.PlanAsync("many-letters")).GetProperty("stage").GetString());
    }

    private static JsonObject Minutes(int count) => new()
    {
        ["summary"] = "2026年第一季度招标投标监管协调会商",
        ["decisions"] = new JsonArray("各部门逐项整改"),
        ["actionItems"] = new JsonArray(Enumerable.Range(1, count)
            .Select(i => (JsonNode)new JsonObject { ["owner"] = i % 2 == 0 ? "housing" : "water", ["what"] = $"整改事项第{i}项", ["dueWorkingDays"] = 3 }).ToArray()),
    };

    /// <summary>A result whose every finding asks water (not one of the task's departments) for assistance.</summary>
    private static JsonObject Result(int findings) => new()
    {
        ["resultCode"] = "pending",
        ["findings"] = new JsonArray(Enumerable.Range(1, findings)
            .Select(i => (JsonNode)new JsonObject { ["text"] = $"第{i}项：施工现场管理人员与投标承诺不一致，请水务局协助核查", ["category"] = "other", ["department"] = "water" }).ToArray()),
        ["completedAt"] = "2026-03-04T16:00:00+08:00",
    };
}
