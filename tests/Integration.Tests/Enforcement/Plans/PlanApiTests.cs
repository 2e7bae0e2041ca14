using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Tests.Support;
using static Integration.Tests.Enforcement.Plans.PlanSamples;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>The plan endpoints on the real app: SQLite store, embedded bus, the libraries stored through their own endpoints.</summary>
[Trait("lane", "integration")]
public sealed class PlanApiTests(PlanApiTests.Platform platform) : IClassFixture<PlanApiTests.Platform>
{
    public sealed class Platform : PlanPlatform;

    [Fact]
    public async Task A_plan_is_validated_field_by_field_and_created_once_per_id()
    {
        platform.SetTime(PlanPlatform.Start);
        var bad = Plan("api bad!");
        bad["kind"] = "raid";
        bad["participants"] = new JsonArray("housing", "nobody");
        bad["window"] = new JsonObject { ["from"] = "2026-03-02", ["to"] = "2026-02-01" };
        var problem = await platform.PostAsync("transport", "/api/enforcement/plans", bad, HttpStatusCode.BadRequest);
        Assert.Equal(["kind", "participants[1]", "planId", "window.to"], problem.ErrorFields().Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await platform.SendAsync("ndrc", HttpMethod.Get, "/api/enforcement/plans/api-bad")).StatusCode);

        // Systems do not start plans.
        await platform.PostAsync("trading-center", "/api/enforcement/plans", Plan("api-create"), HttpStatusCode.Forbidden);

        var created = await platform.PostAsync("transport", "/api/enforcement/plans", Plan("api-create"), HttpStatusCode.Created);
        Assert.Equal("consultation", created.GetProperty("stage").GetString());
        var again = await platform.PostAsync("transport", "/api/enforcement/plans", Plan("api-create"), HttpStatusCode.OK);
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), again.GetProperty("createdAt").GetDateTimeOffset());

        var changed = Plan("api-create");
        changed["title"] = "另一个计划";
        var conflict = await platform.PostAsync("transport", "/api/enforcement/plans", changed, HttpStatusCode.Conflict);
        Assert.Equal("consultation", conflict.GetProperty("state").GetString());
        // The same body from another department is not its repeat: the id is taken.
        await platform.PostAsync("water", "/api/enforcement/plans", Plan("api-create"), HttpStatusCode.Conflict);

        var plan = await platform.PlanAsync("api-create");
        Assert.Equal(["plan.created"], PlanPlatform.Actions(plan));
        Assert.Equal(1, (await platform.MessagesAsync("market", "api-create")).Count(m => m.Subject == "enforcement.consultation-requested"));
    }

    [Fact]
    public async Task An_objection_an_amendment_and_a_second_consultation_lead_to_approval_with_the_roster_frozen()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.SeedLibrariesAsync();
        await platform.PostAsync("transport", "/api/enforcement/plans", Plan("api-consult"), HttpStatusCode.Created);
        await platform.PostAsync("water", "/api/enforcement/plans/api-consult/confirm", status: HttpStatusCode.Forbidden);
        await platform.PostAsync("housing", "/api/enforcement/plans/api-consult/confirm");
        var objection = await platform.PostAsync("market", "/api/enforcement/plans/api-consult/object", new JsonObject(), HttpStatusCode.BadRequest);
        Assert.Equal(["reason"], objection.ErrorFields());
        var returned = await platform.PostAsync("market", "/api/enforcement/plans/api-consult/object", new JsonObject { ["reason"] = "抽查比例过高" });
        Assert.Equal("returned", returned.GetProperty("stage").GetString());
        Assert.Single(await platform.MessagesAsync("transport", "api-consult"), m => m.Subject == "enforcement.objected");

        var amendment = Plan("api-consult");
        amendment["sampling"]!["strata"]![0]!["ratioPercent"] = 25;
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.SendAsync("housing", HttpMethod.Put, "/api/enforcement/plans/api-consult", amendment)).StatusCode);
        var amended = await (await platform.SendAsync("transport", HttpMethod.Put, "/api/enforcement/plans/api-consult", amendment)).ReadJsonAsync();
        Assert.Equal(("consultation", 2), (amended.GetProperty("stage").GetString(), amended.GetProperty("consultation").GetProperty("round").GetInt32()));
        Assert.Equal(Participants, amended.GetProperty("consultation").GetProperty("waiting").EnumerateArray().Select(e => e.GetString()));

        foreach (var department in Participants)
        {
            await platform.PostAsync(department, "/api/enforcement/plans/api-consult/confirm");
        }

        await platform.PostAsync("housing", "/api/enforcement/plans/api-consult/approve", status: HttpStatusCode.Forbidden);
        var approved = await platform.PostAsync("ndrc", "/api/enforcement/plans/api-consult/approve");
        Assert.Equal("committing", approved.GetProperty("stage").GetString());
        await platform.PostAsync("ndrc", "/api/enforcement/plans/api-consult/approve", status: HttpStatusCode.Conflict);

        var draw = await platform.GetAsync("market", "/api/enforcement/plans/api-consult/draw");
        Assert.Equal(
            ["2026-371002-48-01-000101", "2026-371002-48-01-000102", "2026-371002-48-01-000103", "2026-371002-48-01-000104"],
            draw.GetProperty("roster").GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("targetId").GetString()));
        Assert.Equal(6, draw.GetProperty("roster").GetProperty("officers").GetArrayLength());
        Assert.DoesNotContain("recuse", draw.GetRawText(), StringComparison.Ordinal);

        var plan = await platform.PlanAsync("api-consult");
        Assert.Equal(
            ["plan.created", "plan.confirmed", "plan.objected", "plan.amended", "plan.confirmed", "plan.confirmed", "plan.confirmed", "plan.approved"],
            PlanPlatform.Actions(plan));
        Assert.Equal(["commit", "commit-reminder"], plan.GetProperty("deadlines").EnumerateArray().Select(d => d.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task Nonces_stay_hidden_until_all_reveal_and_the_draw_verifies_here_and_with_the_script()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.ApprovedAsync("api-draw");
        foreach (var department in Participants)
        {
            await platform.PostAsync(department, "/api/enforcement/plans/api-draw/draw/commitments", new JsonObject { ["commitment"] = DrawCommitments.Commit(Nonce("api-draw", department)) });
        }

        await platform.PostAsync("housing", "/api/enforcement/plans/api-draw/draw/commitments", new JsonObject { ["commitment"] = new string('a', 64) }, HttpStatusCode.Conflict);
        var wrong = await platform.PostAsync("housing", "/api/enforcement/plans/api-draw/draw/reveals", new JsonObject { ["nonce"] = Nonce("api-draw", "market") }, HttpStatusCode.BadRequest);
        Assert.Equal(["nonce"], wrong.ErrorFields());
        await platform.PostAsync("housing", "/api/enforcement/plans/api-draw/draw/reveals", new JsonObject { ["nonce"] = Nonce("api-draw", "housing") });

        var halfway = await platform.GetAsync("transport", "/api/enforcement/plans/api-draw/draw");
        Assert.Empty(halfway.GetProperty("nonces").EnumerateObject());
        Assert.Equal(["housing"], halfway.GetProperty("revealed").EnumerateArray().Select(e => e.GetString()));
        var plan = await platform.PlanAsync("api-draw", "market");
        Assert.DoesNotContain(Nonce("api-draw", "housing"), plan.GetRawText(), StringComparison.Ordinal);
        await platform.GetAsync("market", "/api/enforcement/plans/api-draw/draw/verify", HttpStatusCode.Conflict);

        await platform.PostAsync("market", "/api/enforcement/plans/api-draw/draw/reveals", new JsonObject { ["nonce"] = Nonce("api-draw", "market") });
        var drawn = await platform.PostAsync("transport", "/api/enforcement/plans/api-draw/draw/reveals", new JsonObject { ["nonce"] = Nonce("api-draw", "transport") });
        Assert.Equal("inspecting", drawn.GetProperty("stage").GetString());

        await platform.GetAsync("water", "/api/enforcement/plans/api-draw/draw", HttpStatusCode.Forbidden);
        var record = await platform.GetAsync("market", "/api/enforcement/plans/api-draw/draw");
        Assert.Equal(Participants, record.GetProperty("nonces").EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, record.GetProperty("selected").GetArrayLength());
        var verified = await platform.GetAsync("market", "/api/enforcement/plans/api-draw/draw/verify");
        Assert.True(verified.GetProperty("valid").GetBoolean());

        var tasks = await platform.GetAsync("housing", "/api/enforcement/plans/api-draw/tasks");
        Assert.Equal(
            record.GetProperty("selected").EnumerateArray().Select(s => s.GetProperty("targetId").GetString()),
            tasks.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("targetId").GetString()));
        var departments = tasks.GetProperty("tasks").EnumerateArray().SelectMany(t => t.GetProperty("departments").EnumerateArray().Select(d => d.GetString()!)).Distinct();
        foreach (var department in departments)
        {
            var assigned = Assert.Single(await platform.MessagesAsync(department, "api-draw"), m => m.Subject == "enforcement.task-assigned");
            Assert.Contains("\"matters\"", assigned.Body, StringComparison.Ordinal);
        }

        var python = FindPython();
        Assert.SkipWhen(python is null, "python3 is not on PATH, so the standalone verification script cannot be run here.");
        Assert.Equal((0, "valid"), VerifyWithScript(python!, record.GetRawText()));
    }

    [Fact]
    public async Task Results_come_from_the_officers_departments_and_the_public_sees_no_secrets_once_published()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.DrawnAsync("api-results");
        platform.SetTime(new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.FromHours(8)));
        var tasks = (await platform.GetAsync("ndrc", "/api/enforcement/plans/api-results/tasks")).GetProperty("tasks").EnumerateArray().ToArray();
        var first = tasks[0];
        var firstId = first.GetProperty("taskId").GetString();
        var owner = first.GetProperty("departments")[0].GetString()!;
        var outsider = Participants.Except(first.GetProperty("departments").EnumerateArray().Select(d => d.GetString()!)).FirstOrDefault() ?? "water";
        var secretFinding = "机密：投标人A与B的投标文件由同一台电脑制作";
        var pending = PlanMachineTests.Result("pending", new JsonObject { ["text"] = secretFinding, ["category"] = "bid-rigging", ["department"] = "police" });

        await platform.PostAsync(outsider, $"/api/enforcement/plans/api-results/tasks/{firstId}/result", pending, HttpStatusCode.Forbidden);
        await platform.PostAsync(owner, "/api/enforcement/plans/api-results/tasks/T9999/result", pending, HttpStatusCode.NotFound);
        await platform.PostAsync(owner, $"/api/enforcement/plans/api-results/tasks/{firstId}/result", pending);
        await platform.PostAsync(owner, $"/api/enforcement/plans/api-results/tasks/{firstId}/result", pending, HttpStatusCode.Conflict);
        await platform.PostAsync(owner, "/api/enforcement/plans/api-results/publish", status: owner == "housing" ? HttpStatusCode.Conflict : HttpStatusCode.Forbidden);

        // The finding belongs to police: an assistance letter with its own clock, and a lead candidate for the coordinator.
        var letter = Assert.Single(await platform.MessagesAsync("police", "api-results"), m => m.Subject == "enforcement.assistance-requested");
        var letterId = JsonDocument.Parse(letter.Body).RootElement.GetProperty("letterId").GetString();
        Assert.Single(await platform.MessagesAsync("ndrc", "api-results"), m => m.Subject == "enforcement.lead-candidate");
        await platform.PostAsync("police", $"/api/enforcement/plans/api-results/assistance/{letterId}/answer", new JsonObject { ["accepted"] = true, ["reply"] = "已立案侦查" });

        var second = tasks[1];
        await platform.PostAsync(second.GetProperty("departments")[0].GetString()!, $"/api/enforcement/plans/api-results/tasks/{second.GetProperty("taskId").GetString()}/result", PlanMachineTests.Result("no-problem"));
        var awaiting = await platform.PlanAsync("api-results");
        Assert.Equal("awaiting-publication", awaiting.GetProperty("stage").GetString());

        var before = await platform.GetAsync("anonymous", "/api/public/enforcement/api-results");
        Assert.All(before.GetProperty("targets").EnumerateArray(), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("resultCode").ValueKind));

        await platform.PostAsync("market", "/api/enforcement/plans/api-results/publish", status: HttpStatusCode.Forbidden);
        var closed = await platform.PostAsync("housing", "/api/enforcement/plans/api-results/publish");
        Assert.Equal("closed", closed.GetProperty("stage").GetString());
        Assert.Equal(3, closed.GetProperty("summary").GetArrayLength());
        Assert.Single(await platform.MessagesAsync("ndrc", "api-results"), m => m.Subject == "enforcement.summary");

        using var anonymous = platform.CreateClient();
        var response = await anonymous.GetAsync("/api/public/enforcement/api-results", PlanPlatform.Cancellation);
        var published = await response.ReadJsonAsync();
        var text = published.GetRawText();
        Assert.Equal(["pending", "no-problem"], published.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("resultCode").GetString()));
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
        Assert.DoesNotContain("recuse\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("机密", text, StringComparison.Ordinal);
        Assert.Equal("DRAW-v1", published.GetProperty("draw").GetProperty("algorithm").GetString());
        Assert.False(published.GetProperty("publicationOverdue").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/public/enforcement/api-nothing", PlanPlatform.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task The_listing_shows_a_department_its_own_plans_by_stage_and_the_coordinator_all()
    {
        platform.SetTime(PlanPlatform.Start);
        var other = Plan("api-list-water");
        other["leadDepartment"] = "water";
        other["participants"] = new JsonArray("water", "market");
        await platform.PostAsync("water", "/api/enforcement/plans", other, HttpStatusCode.Created);
        await platform.PostAsync("transport", "/api/enforcement/plans", Plan("api-list-mine"), HttpStatusCode.Created);

        static string[] Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("planId").GetString()!).Where(i => i.StartsWith("api-list", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["api-list-mine"], Ids(await platform.GetAsync("housing", "/api/enforcement/plans?status=consultation")));
        Assert.Equal(["api-list-mine", "api-list-water"], Ids(await platform.GetAsync("market", "/api/enforcement/plans")));
        Assert.Equal(["api-list-mine", "api-list-water"], Ids(await platform.GetAsync("ndrc", "/api/enforcement/plans?status=consultation")));
        Assert.Empty(Ids(await platform.GetAsync("ndrc", "/api/enforcement/plans?status=closed")));
        var problem = await platform.GetAsync("ndrc", "/api/enforcement/plans?status=done&pageSize=0", HttpStatusCode.BadRequest);
        Assert.Equal(["pageSize", "status"], problem.ErrorFields().Order(StringComparer.Ordinal));
        await platform.GetAsync("housing", "/api/enforcement/plans/api-list-water", HttpStatusCode.Forbidden);
    }
}
