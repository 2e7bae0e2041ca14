using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Kernel;
using Integration.Domain.Enforcement.Draw;
using Integration.Tests.Support;
using static Integration.Tests.Enforcement.Plans.PlanSamples;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>Recusals after the draw, tasks in exception and suspended plans through the plan endpoints on the real app.</summary>
[Trait("lane", "integration")]
public sealed class PlanSideStateApiTests(PlanSideStateApiTests.Platform platform) : IClassFixture<PlanSideStateApiTests.Platform>
{
    public sealed class Platform : PlanPlatform;

    [Fact]
    public async Task A_recusal_redraws_the_officer_and_the_published_draw_still_verifies_here_and_with_the_script()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.DrawnAsync("side-recuse");
        var task = (await platform.GetAsync("ndrc", "/api/enforcement/plans/side-recuse/tasks")).GetProperty("tasks")[0];
        var taskId = task.GetProperty("taskId").GetString();
        var officer = task.GetProperty("officers")[0];
        var (officerId, department) = (officer.GetProperty("officerId").GetString()!, officer.GetProperty("department").GetString()!);
        var path = $"/api/enforcement/plans/side-recuse/tasks/{taskId}/recusals";
        var outsider = Participants.Except(task.GetProperty("departments").EnumerateArray().Select(d => d.GetString()!)).FirstOrDefault();
        if (outsider is not null)
        {
            await platform.PostAsync(outsider, path, Recusal(officerId), HttpStatusCode.Forbidden);
        }

        await platform.PostAsync("water", path, Recusal(officerId), HttpStatusCode.Forbidden);
        var invalid = await platform.PostAsync(department, path, new JsonObject { ["officerId"] = "housing-03" }, HttpStatusCode.BadRequest);
        Assert.Equal(["officerId", "reason"], invalid.ErrorFields().Order(StringComparer.Ordinal));

        await platform.PostAsync(department, path, Recusal(officerId));
        var after = (await platform.GetAsync("ndrc", "/api/enforcement/plans/side-recuse/tasks")).GetProperty("tasks")[0];
        var recusal = Assert.Single(after.GetProperty("recusals").EnumerateArray().ToArray());
        var replacement = recusal.GetProperty("replacement").GetProperty("officerId").GetString()!;
        Assert.Equal(replacement, after.GetProperty("officers")[0].GetProperty("officerId").GetString());
        Assert.NotEqual(officerId, replacement);

        var record = await platform.GetAsync("market", "/api/enforcement/plans/side-recuse/draw");
        var redraw = Assert.Single(record.GetProperty("redraws").EnumerateArray().ToArray());
        Assert.Equal((officerId, replacement, 1), (redraw.GetProperty("replaced").GetString(), redraw.GetProperty("officer").GetString(), redraw.GetProperty("round").GetInt32()));
        Assert.True((await platform.GetAsync("market", "/api/enforcement/plans/side-recuse/draw/verify")).GetProperty("valid").GetBoolean());
        var replacementDepartment = recusal.GetProperty("replacement").GetProperty("department").GetString()!;
        Assert.Single(await platform.MessagesAsync(replacementDepartment, "side-recuse"), m => m.Subject == "enforcement.task-reassigned");
        Assert.Contains("plan.officer-redrawn", PlanPlatform.Actions(await platform.PlanAsync("side-recuse")));

        // The public record carries the re-draw too, so anyone can check it.
        using var anonymous = platform.CreateClient();
        var published = await (await anonymous.GetAsync("/api/public/enforcement/side-recuse", PlanPlatform.Cancellation)).ReadJsonAsync();
        Assert.Equal(1, published.GetProperty("draw").GetProperty("redraws").GetArrayLength());

        var python = FindPython();
        Assert.SkipWhen(python is null, "python3 is not on PATH, so the standalone verification script cannot be run here.");
        Assert.Equal((0, "valid"), VerifyWithScript(python!, record.GetRawText()));

        // Straight from what the API serves to anyone: the whole public record, re-draw included, and tampered copies of it.
        Assert.Equal((0, "valid"), VerifyWithScript(python!, published.GetRawText()));
        var redrawn = JsonNode.Parse(published.GetRawText())!;
        redrawn["draw"]!["redraws"]![0]!["officer"] = officerId;
        var (exitCode, output) = VerifyWithScript(python!, redrawn.ToJsonString());
        Assert.Equal((1, true), (exitCode, output.StartsWith("invalid: redraws[0]", StringComparison.Ordinal)));
        var nonce = JsonNode.Parse(published.GetRawText())!;
        nonce["draw"]!["nonces"]!["market"] = new string('0', 64);
        Assert.Equal((1, "invalid: nonce of market"), VerifyWithScript(python!, nonce.ToJsonString()));
    }

    [Fact]
    public async Task A_task_in_exception_waits_for_its_result_and_the_lead_department_closes_it_as_unreachable()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.DrawnAsync("side-exception");
        var task = (await platform.GetAsync("ndrc", "/api/enforcement/plans/side-exception/tasks")).GetProperty("tasks")[0];
        var taskId = task.GetProperty("taskId").GetString();
        var department = task.GetProperty("departments")[0].GetString()!;
        var path = $"/api/enforcement/plans/side-exception/tasks/{taskId}/exception";

        await platform.PostAsync("water", path, new JsonObject { ["reason"] = "无法联系" }, HttpStatusCode.Forbidden);
        Assert.Equal(["reason"], (await platform.PostAsync(department, path, new JsonObject(), HttpStatusCode.BadRequest)).ErrorFields());
        await platform.PostAsync(department, path, new JsonObject { ["reason"] = "登记住所为空置厂房，两次上门及电话均无法联系" });
        await platform.PostAsync(department, path, new JsonObject { ["reason"] = "again" }, HttpStatusCode.Conflict);
        var listed = (await platform.GetAsync("housing", "/api/enforcement/plans/side-exception/tasks")).GetProperty("tasks")[0];
        Assert.Equal("exception", listed.GetProperty("status").GetString());
        Assert.Equal(department, listed.GetProperty("exception").GetProperty("reportedBy").GetString());
        Assert.Single(await platform.MessagesAsync("ndrc", "side-exception"), m => m.Subject == "enforcement.task-exception");

        platform.SetTime(new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.FromHours(8)));
        var unreachable = PlanMachineTests.Result("unreachable", new JsonObject { ["text"] = "通过登记的住所（经营场所）无法联系" });
        await platform.PostAsync("housing", $"/api/enforcement/plans/side-exception/tasks/{taskId}/result", unreachable);
        var closed = (await platform.GetAsync("housing", "/api/enforcement/plans/side-exception/tasks")).GetProperty("tasks")[0];
        Assert.Equal(("done", "unreachable"), (closed.GetProperty("status").GetString(), closed.GetProperty("result").GetProperty("resultCode").GetString()));
    }

    [Fact]
    public async Task A_suspended_plan_refuses_everything_but_resume_and_its_commit_clock_resumes_with_the_days_it_had_left()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.ApprovedAsync("side-suspend");
        // Approved on Monday 2 March: commitments are due within 2 working days, by the end of Wednesday 4 March.
        platform.SetTime(PlanPlatform.Start.AddDays(1));
        var reason = new JsonObject { ["reason"] = "接上级通知，暂停本轮抽查" };
        await platform.PostAsync("market", "/api/enforcement/plans/side-suspend/suspend", reason, HttpStatusCode.Forbidden);
        await platform.PostAsync("water", "/api/enforcement/plans/side-suspend/suspend", reason, HttpStatusCode.Forbidden);
        Assert.Equal(["reason"], (await platform.PostAsync("housing", "/api/enforcement/plans/side-suspend/suspend", new JsonObject(), HttpStatusCode.BadRequest)).ErrorFields());

        var suspended = await platform.PostAsync("housing", "/api/enforcement/plans/side-suspend/suspend", reason);
        Assert.Equal("suspended", suspended.GetProperty("stage").GetString());
        Assert.Empty(suspended.GetProperty("deadlines").EnumerateArray());
        var paused = Assert.Single(suspended.GetProperty("suspension").GetProperty("clocks").EnumerateArray().ToArray());
        Assert.Equal(("commit", 1), (paused.GetProperty("clock").GetString(), paused.GetProperty("workingDaysLeft").GetInt32()));

        var refused = await platform.PostAsync("market", "/api/enforcement/plans/side-suspend/draw/commitments",
            new JsonObject { ["commitment"] = DrawCommitments.Commit(Nonce("side-suspend", "market")) }, HttpStatusCode.Conflict);
        Assert.Equal("suspended", refused.GetProperty("state").GetString());
        Assert.Contains("resume", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await platform.PostAsync("ndrc", "/api/enforcement/plans/side-suspend/suspend", reason, HttpStatusCode.Conflict);
        await platform.PostAsync("market", "/api/enforcement/plans/side-suspend/resume", status: HttpStatusCode.Forbidden);

        // Resumed on Monday 9 March with the one working day left: due at the end of Tuesday 10 March.
        platform.SetTime(PlanPlatform.Start.AddDays(7));
        var resumed = await platform.PostAsync("ndrc", "/api/enforcement/plans/side-suspend/resume");
        Assert.Equal("committing", resumed.GetProperty("stage").GetString());
        var commit = resumed.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "commit");
        Assert.Equal(ChinaTime.EndOf(new DateOnly(2026, 3, 10)), commit.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(ChinaTime.EndOf(new DateOnly(2026, 3, 10)), resumed.GetProperty("draw").GetProperty("commitDeadline").GetDateTimeOffset());
        await platform.PostAsync("ndrc", "/api/enforcement/plans/side-suspend/resume", status: HttpStatusCode.Conflict);
        await platform.PostAsync("market", "/api/enforcement/plans/side-suspend/draw/commitments", new JsonObject { ["commitment"] = DrawCommitments.Commit(Nonce("side-suspend", "market")) });

        var plan = await platform.PlanAsync("side-suspend");
        var actions = PlanPlatform.Actions(plan);
        Assert.Equal(["plan.suspended", "plan.resumed", "plan.committed"], actions.SkipWhile(a => a != "plan.suspended"));
        var messages = await platform.MessagesAsync("market", "side-suspend");
        Assert.Single(messages, m => m.Subject == "enforcement.suspended");
        Assert.Single(messages, m => m.Subject == "enforcement.resumed");
    }

    private static JsonObject Recusal(string officerId) => new() { ["officerId"] = officerId, ["reason"] = "该执法人员与被检查单位负责人系近亲属" };
}
