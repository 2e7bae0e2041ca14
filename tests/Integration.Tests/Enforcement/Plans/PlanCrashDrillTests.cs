using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Tests.Orchestrations;
using static Integration.Tests.Enforcement.Plans.PlanSamples;
using AppProcess = Integration.Tests.Orchestrations.OrchestrationCrashDrillTests.AppProcess;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>
/// A plan and its orchestration in the function app's own process, on a task hub in Azurite, killed with SIGKILL while
/// the plan waits for confirmations, while it waits for commitments and while it is suspended. After each restart the
/// plan goes on from where it was, and its orchestration follows it to the dispatched tasks, through the suspension.
/// </summary>
[Trait("lane", "drill")]
[Collection(nameof(DurableAzuriteCollection))]
public sealed class PlanCrashDrillTests(DurableAzuriteFixture azurite) : IDisposable
{
    private readonly string dataPath = Directory.CreateTempSubdirectory("plan-drill-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Killed_while_waiting_for_confirmations_for_commitments_and_while_suspended_the_plan_goes_on_after_each_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = azurite.DrillEnvironment(dataPath);
        const string planId = "drill-plan";
        var window = TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var plan = Plan(planId, from: window.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), to: window.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        using (var first = await AppProcess.StartAsync(settings, ct))
        {
            await SeedAsync(first, ct);
            Assert.Equal(HttpStatusCode.Created, (await As(first, "transport").PostAsJsonAsync("/api/enforcement/plans", plan, ct)).StatusCode);
            await first.WaitForAsync(planId, d => Stage(d) == "consultation", ct);
            await PostAsync(first, "housing", $"/api/enforcement/plans/{planId}/confirm", null, ct);
            first.Kill();
        }

        using (var second = await AppProcess.StartAsync(settings, ct))
        {
            Assert.Equal("consultation", await PlanStageAsync(second, planId, ct));
            await PostAsync(second, "market", $"/api/enforcement/plans/{planId}/confirm", null, ct);
            await PostAsync(second, "transport", $"/api/enforcement/plans/{planId}/confirm", null, ct);
            await second.WaitForAsync(planId, d => Stage(d) == "awaiting-approval", ct);
            await PostAsync(second, "ndrc", $"/api/enforcement/plans/{planId}/approve", null, ct);
            await PostAsync(second, "housing", $"/api/enforcement/plans/{planId}/draw/commitments", Commitment(planId, "housing"), ct);
            await second.WaitForAsync(planId, d => Stage(d) == "committing", ct);
            second.Kill();
        }

        using var third = await AppProcess.StartAsync(settings, ct);
        Assert.Equal("committing", await PlanStageAsync(third, planId, ct));
        foreach (var department in new[] { "market", "transport" })
        {
            await PostAsync(third, department, $"/api/enforcement/plans/{planId}/draw/commitments", Commitment(planId, department), ct);
        }

        foreach (var department in Participants)
        {
            await PostAsync(third, department, $"/api/enforcement/plans/{planId}/draw/reveals", new JsonObject { ["nonce"] = Nonce(planId, department) }, ct);
        }

        var following = await third.WaitForAsync(planId, d => Stage(d) == "inspecting", ct);
        Assert.Equal("Running", following.GetProperty("status").GetString());
        var verify = await (await As(third, "market").GetAsync($"/api/enforcement/plans/{planId}/draw/verify", ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(verify.GetProperty("valid").GetBoolean());
        var history = await (await As(third, "ndrc").GetAsync($"/api/enforcement/plans/{planId}", ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(
            ["plan.created", "plan.confirmed", "plan.confirmed", "plan.confirmed", "plan.approved", "plan.committed", "plan.committed", "plan.committed", "plan.revealed", "plan.revealed", "plan.drawn"],
            history.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()));

        // Suspended, the orchestration keeps waiting (no deadline to wake for), through a kill, until the plan resumes.
        await PostAsync(third, "housing", $"/api/enforcement/plans/{planId}/suspend", new JsonObject { ["reason"] = "接上级通知，暂停本轮抽查" }, ct);
        var waiting = await third.WaitForAsync(planId, d => Stage(d) == "suspended", ct);
        Assert.Equal("Running", waiting.GetProperty("status").GetString());
        third.Kill();

        using var fourth = await AppProcess.StartAsync(settings, ct);
        Assert.Equal("suspended", await PlanStageAsync(fourth, planId, ct));
        await PostAsync(fourth, "ndrc", $"/api/enforcement/plans/{planId}/resume", null, ct);
        var resumed = await fourth.WaitForAsync(planId, d => Stage(d) == "inspecting", ct);
        Assert.Equal("Running", resumed.GetProperty("status").GetString());
    }

    private static string? Stage(JsonElement detail) =>
        detail.GetProperty("customStatus") is { ValueKind: JsonValueKind.Object } s ? s.GetProperty("Stage").GetString() : null;

    private static JsonObject Commitment(string planId, string department) => new() { ["commitment"] = DrawCommitments.Commit(Nonce(planId, department)) };

    private static HttpClient As(AppProcess app, string principal)
    {
        var client = new HttpClient { BaseAddress = app.Admin.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"dev-{principal}");
        return client;
    }

    private static async Task PostAsync(AppProcess app, string principal, string path, JsonNode? body, CancellationToken ct)
    {
        using var client = As(app, principal);
        var response = await client.PostAsJsonAsync(path, body ?? new JsonObject(), ct);
        Assert.True(response.IsSuccessStatusCode, $"{principal} POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task<string?> PlanStageAsync(AppProcess app, string planId, CancellationToken ct)
    {
        using var client = As(app, "ndrc");
        var plan = await (await client.GetAsync($"/api/enforcement/plans/{planId}", ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        return plan.GetProperty("stage").GetString();
    }

    private static async Task SeedAsync(AppProcess app, CancellationToken ct)
    {
        foreach (var department in Participants)
        {
            var officers = new JsonArray(Enumerable.Range(1, 2).Select(i => (JsonNode)new JsonObject
            {
                ["officerId"] = $"{department}-{i:D2}",
                ["name"] = "王建国",
                ["credentialNo"] = $"鲁执{i:D4}",
                ["active"] = true,
                ["recuse"] = new JsonArray(),
            }).ToArray());
            Assert.True((await app.Admin.PutAsJsonAsync($"/api/enforcement/officers/{department}", new JsonObject { ["officers"] = officers }, ct)).IsSuccessStatusCode);
        }

        var targets = new JsonArray(Enumerable.Range(101, 4).Select(n => (JsonNode)new JsonObject
        {
            ["targetId"] = $"2026-371002-48-01-000{n}",
            ["name"] = "威海市某住宅小区建设工程",
            ["creditCode"] = "914403001922038216",
            ["region"] = "371002",
            ["industry"] = "housing-construction",
        }).ToArray());
        Assert.True((await app.Admin.PutAsJsonAsync("/api/enforcement/targets", new JsonObject { ["targets"] = targets }, ct)).IsSuccessStatusCode);
    }
}
