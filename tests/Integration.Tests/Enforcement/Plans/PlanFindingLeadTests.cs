using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Support;
using static Integration.Tests.Enforcement.Plans.PlanSamples;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>A bid-rigging finding of an enforcement task enters the lead relay, through the plan and lead endpoints on the real app.</summary>
[Trait("lane", "integration")]
public sealed class PlanFindingLeadTests(PlanFindingLeadTests.Platform platform) : IClassFixture<PlanFindingLeadTests.Platform>
{
    public sealed class Platform : PlanPlatform;

    [Fact]
    public async Task A_bid_rigging_finding_becomes_one_lead_linked_both_ways_by_the_department_that_found_it_or_ndrc()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.DrawnAsync("lead-plan");
        platform.SetTime(new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.FromHours(8)));
        var task = (await platform.GetAsync("ndrc", "/api/enforcement/plans/lead-plan/tasks")).GetProperty("tasks")[0];
        var taskId = task.GetProperty("taskId").GetString();
        var owner = task.GetProperty("departments")[0].GetString()!;
        var other = Participants.First(p => p != owner);
        var path = $"/api/enforcement/plans/lead-plan/tasks/{taskId}";

        // No result yet: no findings.
        await platform.PostAsync(owner, $"{path}/findings/0/lead", Lead(), HttpStatusCode.Conflict);
        await platform.PostAsync(owner, $"{path}/result", PlanMachineTests.Result("pending",
            new JsonObject { ["text"] = "投标人甲与乙的投标文件由同一台电脑制作（机器码一致）", ["category"] = "bid-rigging" },
            new JsonObject { ["text"] = "现场管理人员与投标承诺不一致", ["category"] = "other" }));
        var candidate = JsonDocument.Parse(Assert.Single(await platform.MessagesAsync("ndrc", "lead-plan"), m => m.Subject == "enforcement.lead-candidate").Body).RootElement;
        Assert.Equal(0, candidate.GetProperty("findingIndex").GetInt32());

        await platform.PostAsync(other, $"{path}/findings/0/lead", Lead(), HttpStatusCode.Forbidden);
        await platform.PostAsync("water", $"{path}/findings/0/lead", Lead(), HttpStatusCode.Forbidden);
        await platform.PostAsync(owner, $"{path}/findings/1/lead", Lead(), HttpStatusCode.Conflict);
        await platform.PostAsync(owner, $"{path}/findings/2/lead", Lead(), HttpStatusCode.NotFound);
        await platform.PostAsync(owner, $"{path}/findings/x/lead", Lead(), HttpStatusCode.NotFound);
        await platform.PostAsync(owner, "/api/enforcement/plans/lead-plan/tasks/T9999/findings/0/lead", Lead(), HttpStatusCode.NotFound);

        // The lead's own validation, every field at once, and the fields the finding decides may not be sent.
        var bad = new JsonObject { ["leadId"] = "mine", ["category"] = "fraud", ["parties"] = new JsonArray(), ["evidence"] = new JsonArray(new JsonObject { ["name"] = "报告" }) };
        var problem = await platform.PostAsync(owner, $"{path}/findings/0/lead", bad, HttpStatusCode.BadRequest);
        Assert.Equal(["category", "evidence[0].sha256", "evidence[0].uri", "leadId", "parties"], problem.ErrorFields().Order(StringComparer.Ordinal));
        await platform.GetAsync("ndrc", "/api/leads/lead-plan.T0001.F0", HttpStatusCode.NotFound);

        var created = await platform.PostAsync(owner, $"{path}/findings/0/lead", Lead(), HttpStatusCode.Created);
        var leadId = created.GetProperty("leadId").GetString();
        Assert.Equal($"lead-plan.{taskId}.F0", leadId);
        Assert.Equal(("bid-rigging", owner), (created.GetProperty("category").GetString(), created.GetProperty("submittedBy").GetString()));
        Assert.Equal(task.GetProperty("targetId").GetString(), created.GetProperty("projectCode").GetString());
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 16, 0, 0, TimeSpan.FromHours(8)), created.GetProperty("discoveredAt").GetDateTimeOffset());
        var origin = created.GetProperty("origin");
        Assert.Equal(("lead-plan", taskId, 0), (origin.GetProperty("planId").GetString(), origin.GetProperty("taskId").GetString(), origin.GetProperty("finding").GetInt32()));
        // Bid rigging goes to police at once, as from the trading centre.
        Assert.Contains("police", created.GetProperty("routedTo").EnumerateArray().Select(d => d.GetString()));

        // One lead per finding: the same request answers the same lead; ndrc, or another body, is told it exists.
        var again = await platform.PostAsync(owner, $"{path}/findings/0/lead", Lead(), HttpStatusCode.OK);
        Assert.Equal(created.GetProperty("submittedAt").GetDateTimeOffset(), again.GetProperty("submittedAt").GetDateTimeOffset());
        var taken = await platform.PostAsync("ndrc", $"{path}/findings/0/lead", Lead(), HttpStatusCode.Conflict);
        Assert.Contains(leadId!, taken.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var linked = (await platform.GetAsync(owner, "/api/enforcement/plans/lead-plan/tasks")).GetProperty("tasks")[0];
        var link = Assert.Single(linked.GetProperty("leads").EnumerateArray().ToArray());
        Assert.Equal((0, leadId), (link.GetProperty("finding").GetInt32(), link.GetProperty("leadId").GetString()));
        Assert.Single(PlanPlatform.Actions(await platform.PlanAsync("lead-plan")), a => a == "plan.finding-lead");

        // The department that found it follows its lead like any submitter; police received it on the leads topic.
        var lead = await platform.GetAsync(owner, $"/api/leads/{leadId}");
        Assert.Equal("lead-plan", lead.GetProperty("origin").GetProperty("planId").GetString());
        Assert.Equal(["lead.submitted"], lead.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Ndrc_may_turn_a_fraud_finding_into_a_lead_and_a_suspended_plan_refuses()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.DrawnAsync("lead-ndrc");
        platform.SetTime(new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.FromHours(8)));
        var task = (await platform.GetAsync("ndrc", "/api/enforcement/plans/lead-ndrc/tasks")).GetProperty("tasks")[0];
        var path = $"/api/enforcement/plans/lead-ndrc/tasks/{task.GetProperty("taskId").GetString()}";
        await platform.PostAsync(task.GetProperty("departments")[0].GetString()!, $"{path}/result", PlanMachineTests.Result("pending",
            new JsonObject { ["text"] = "投标人提供的业绩证明材料系伪造", ["category"] = "fraud" }));

        await platform.PostAsync("ndrc", "/api/enforcement/plans/lead-ndrc/suspend", new JsonObject { ["reason"] = "暂停" });
        var refused = await platform.PostAsync("ndrc", $"{path}/findings/0/lead", Lead(), HttpStatusCode.Conflict);
        Assert.Equal("suspended", refused.GetProperty("state").GetString());
        await platform.PostAsync("ndrc", "/api/enforcement/plans/lead-ndrc/resume");

        var created = await platform.PostAsync("ndrc", $"{path}/findings/0/lead", Lead(), HttpStatusCode.Created);
        Assert.Equal(("fraud", "ndrc"), (created.GetProperty("category").GetString(), created.GetProperty("submittedBy").GetString()));
    }

    private static JsonObject Lead() => new()
    {
        ["industry"] = "housing-construction",
        ["parties"] = new JsonArray(new JsonObject { ["name"] = "威海甲建设有限公司", ["creditCode"] = PlanPlatform.OwnerA, ["role"] = "bidder" }),
        ["evidence"] = new JsonArray(new JsonObject
        {
            ["name"] = "联合检查现场笔录",
            ["sha256"] = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea",
            ["uri"] = "https://zfj.weihai.example/plans/lead-plan/record.pdf",
        }),
    };
}
