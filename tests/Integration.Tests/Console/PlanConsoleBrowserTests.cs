using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>
/// 联合执法 in a real browser against the built app: housing starts a plan with the console's form (a wrong form is
/// listed per field in Chinese), confirms it, commits and reveals with the nonce the console keeps for it, verifies the
/// draw and enters a task's result; the other participants and the coordinator act through the API.
/// </summary>
[Trait("lane", "browser")]
public sealed class PlanConsoleBrowserTests
{
    private const string PlanId = "WH-PLAN-CONSOLE-0001";
    private static readonly string[] Others = ["market", "transport"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_participant_starts_confirms_commits_and_reveals_in_the_console_and_the_draw_verifies()
    {
        // The officer lists are the test's own, not the Development sample ones.
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off", ["Enforcement:SeedDevelopmentOfficers"] = "false" }, Ct);
        await SeedLibrariesAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
        await page.GetByRole(AriaRole.Link, new() { Name = "联合执法" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "发起联合执法" }).ClickAsync();
        await page.WaitForURLAsync("**/console/plans/new");
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "plan-new");

        // Nothing but the defaults: every missing field is listed in Chinese, and no plan is made.
        await page.GetByRole(AriaRole.Button, new() { Name = "发起并送参与部门会商" }).ClickAsync();
        var errors = page.Locator("ul.field-errors > li");
        await Assertions.Expect(errors.Filter(new() { HasText = "计划编号：请填写计划编号。" })).ToHaveCountAsync(1);
        await Assertions.Expect(errors.Filter(new() { HasText = "计划名称：请填写计划名称。" })).ToHaveCountAsync(1);
        await Assertions.Expect(errors.Filter(new() { HasText = "参与部门：请至少选择两个参与部门" })).ToHaveCountAsync(1);
        await Assertions.Expect(errors.Filter(new() { HasText = "检查事项：请填写检查事项及其依据。" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#field-planId")).ToHaveAttributeAsync("aria-invalid", "true");
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "plan-new-errors");
        using (var ndrcApi = app.Client("dev-ndrc"))
        {
            var listed = await ndrcApi.GetFromJsonAsync<JsonElement>("/api/enforcement/plans", Ct);
            Assert.Equal(0, listed.GetProperty("items").GetArrayLength());
        }

        await page.GetByLabel("计划编号").FillAsync(PlanId);
        await page.GetByLabel("计划名称").FillAsync("2026年第四季度房屋建筑工程招标投标联合双随机抽查");
        await page.GetByLabel("依据", new() { Exact = true }).FillAsync("威海市招标投标监管协作机制 000 §(十五)");
        var participants = page.Locator("#field-participants");
        await participants.GetByLabel("威海市市场监督管理局").CheckAsync();
        await participants.GetByLabel("威海市交通运输局").CheckAsync();
        await page.GetByLabel("事项名称").FillAsync("招标文件合规性");
        await page.GetByLabel("事项依据").FillAsync("招标投标法实施条例 第三十二条");
        await page.GetByLabel("区划代码（六位，空格分隔；留空为全市）").FillAsync("371002");
        await page.GetByLabel("房屋建筑和市政基础设施").CheckAsync();
        await page.GetByLabel("比例（%）").FillAsync("50");
        // Five of the six officers on every target: a housing officer is on each task, whatever the nonces draw.
        await page.GetByLabel("每个对象的执法人员数").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "发起并送参与部门会商" }).ClickAsync();
        await page.WaitForURLAsync($"**/console/plans/{PlanId}?done=created");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已发起");

        foreach (var department in Others)
        {
            await PostAsync(app, department, $"/api/enforcement/plans/{PlanId}/confirm");
        }

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".not-acted")).ToHaveTextAsync("尚未办理：威海市住房和城乡建设局");
        await Assertions.Expect(page.Locator(".clock")).ToContainTextAsync("会商期限");
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "plan-consultation");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认计划" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"计划 {PlanId} 已确认。");
        await Assertions.Expect(page.Locator(".stage")).ToHaveTextAsync("阶段：待协调机构批准");

        await PostAsync(app, "ndrc", $"/api/enforcement/plans/{PlanId}/approve");
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "提交承诺" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已提交承诺");
        var nonces = Others.ToDictionary(d => d, d => $"nonce-of-{d}-for-{PlanId}-0123456789abcdef");
        foreach (var (department, nonce) in nonces)
        {
            await PostAsync(app, department, $"/api/enforcement/plans/{PlanId}/draw/commitments", new JsonObject { ["commitment"] = Sha256(nonce) });
        }

        foreach (var (department, nonce) in nonces)
        {
            await PostAsync(app, department, $"/api/enforcement/plans/{PlanId}/draw/reveals", new JsonObject { ["nonce"] = nonce });
        }

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".not-acted")).ToHaveTextAsync("尚未办理：威海市住房和城乡建设局");
        // Until every participant has revealed, the page shows no nonce: not even the department's own.
        await Assertions.Expect(page.Locator("section[aria-label='抽取记录'] tbody tr").Filter(new() { HasText = "威海市住房和城乡建设局" })).ToContainTextAsync("未揭示");
        await page.GetByRole(AriaRole.Button, new() { Name = "揭示随机数" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"计划 {PlanId} 已揭示随机数。");
        await Assertions.Expect(page.Locator(".stage")).ToHaveTextAsync("阶段：检查实施中");

        await page.GetByRole(AriaRole.Button, new() { Name = "验证", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("验证通过：按公开记录重新计算，种子与抽取结果一致。");
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "plan-drawn");

        // The nonce the console made for housing: long and random enough, committed to, and published by the draw.
        using (var housingApi = app.Client("dev-housing"))
        {
            var draw = await housingApi.GetFromJsonAsync<JsonElement>($"/api/enforcement/plans/{PlanId}/draw", Ct);
            var nonce = draw.GetProperty("nonces").GetProperty("housing").GetString()!;
            Assert.True(nonce.Length >= 32, nonce);
            Assert.DoesNotContain(nonces.Values, n => n == nonce);
            Assert.Equal(Sha256(nonce), draw.GetProperty("commitments").GetProperty("housing").GetString());
            var verified = await housingApi.GetFromJsonAsync<JsonElement>($"/api/enforcement/plans/{PlanId}/draw/verify", Ct);
            Assert.True(verified.GetProperty("valid").GetBoolean());
        }

        var task = page.Locator("li[data-task]").First;
        var taskId = await task.GetAttributeAsync("data-task");
        await task.GetByLabel("检查结果").SelectOptionAsync(new SelectOptionValue { Label = "发现问题经责令已改正" });
        await task.GetByLabel("发现的问题（每行一条）").FillAsync("招标文件设置不合理的资格条件");
        await task.GetByRole(AriaRole.Button, new() { Name = $"录入结果 {taskId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"计划 {PlanId} 检查结果已录入。");
        await Assertions.Expect(page.Locator($"li[data-task='{taskId}']")).ToContainTextAsync("结果 发现问题经责令已改正");

        using (var ndrcApi = app.Client("dev-ndrc"))
        {
            var tasks = await ndrcApi.GetFromJsonAsync<JsonElement>($"/api/enforcement/plans/{PlanId}/tasks", Ct);
            var entered = tasks.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("taskId").GetString() == taskId);
            Assert.Equal("corrected", entered.GetProperty("result").GetProperty("resultCode").GetString());
            Assert.Equal("housing", entered.GetProperty("result").GetProperty("enteredBy").GetString());
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "返回联合执法列表" }).ClickAsync();
        await Assertions.Expect(page.Locator($"li[data-plan='{PlanId}']")).ToContainTextAsync("阶段 检查实施中");
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "plans");

        // The coordinator, in its own session, sees the result housing entered.
        var coordinator = await ConsoleBrowser.SignedInAsync(browser, app, "ndrc");
        await coordinator.GotoAsync($"/console/plans/{PlanId}");
        await Assertions.Expect(coordinator.Locator($"li[data-task='{taskId}']")).ToContainTextAsync("结果 发现问题经责令已改正");
        await Assertions.Expect(coordinator.Locator($"li[data-task='{taskId}']")).ToContainTextAsync("招标文件设置不合理的资格条件");
        await ConsoleBrowser.AssertAccessibleAsync(coordinator);
        await ConsoleBrowser.ScreenshotsAsync(coordinator, "plan-result-coordinator");
    }

    [Fact]
    public async Task A_plan_form_posted_without_its_anti_forgery_token_changes_nothing()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        await PostAsync(app, "housing", "/api/enforcement/plans", Plan(), HttpStatusCode.Created);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "market");
        await page.GotoAsync($"/console/plans/{PlanId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "确认计划" })).ToBeVisibleAsync();

        // The signed-in session's cookie goes with the request; only the form's token is missing.
        var forged = await page.APIRequest.PostAsync($"/console/plans/{PlanId}/confirm", new() { Form = page.APIRequest.CreateFormData(), MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        Assert.Contains("表单已过期", await forged.TextAsync(), StringComparison.Ordinal);

        using var ndrc = app.Client("dev-ndrc");
        var plan = await ndrc.GetFromJsonAsync<JsonElement>($"/api/enforcement/plans/{PlanId}", Ct);
        Assert.Equal("consultation", plan.GetProperty("stage").GetString());
        Assert.Equal(0, plan.GetProperty("consultation").GetProperty("responses").GetArrayLength());
    }

    [Fact]
    public async Task A_participant_objects_with_a_reason_and_the_plan_returns_to_its_initiator()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        await PostAsync(app, "housing", "/api/enforcement/plans", Plan(), HttpStatusCode.Created);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "transport");
        await page.GotoAsync($"/console/plans/{PlanId}");

        // Blanks pass the browser's check, not the console's: said in Chinese, and the plan stays in consultation.
        await page.GetByLabel("异议理由").FillAsync("  ");
        await page.GetByRole(AriaRole.Button, new() { Name = "提出异议" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("异议理由：请填写异议理由。");
        Assert.Equal("consultation", (await PlanAsync(app)).GetProperty("stage").GetString());

        await page.GetByLabel("异议理由").FillAsync("抽查比例过低，建议不少于 10%。");
        await page.GetByRole(AriaRole.Button, new() { Name = "提出异议" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"计划 {PlanId} 已提出异议。");
        await Assertions.Expect(page.Locator(".stage")).ToHaveTextAsync("阶段：已退回发起部门");
        await Assertions.Expect(page.Locator(".not-acted")).ToHaveTextAsync("尚未办理：威海市住房和城乡建设局");
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "威海市交通运输局：异议（抽查比例过低" })).ToHaveCountAsync(1);

        var response = (await PlanAsync(app)).GetProperty("consultation").GetProperty("responses").EnumerateArray().Single();
        Assert.Equal("transport", response.GetProperty("department").GetString());
        Assert.Equal("抽查比例过低，建议不少于 10%。", response.GetProperty("reason").GetString());
    }

    private static async Task<JsonElement> PlanAsync(BuiltFunctionApp app)
    {
        using var ndrc = app.Client("dev-ndrc");
        return await ndrc.GetFromJsonAsync<JsonElement>($"/api/enforcement/plans/{PlanId}", Ct);
    }

    private static async Task SeedLibrariesAsync(BuiltFunctionApp app)
    {
        foreach (var department in new[] { "housing", "market", "transport" })
        {
            var officers = new JsonArray(Officer($"{department}-01"), Officer($"{department}-02"));
            await PutAsync(app, $"/api/enforcement/officers/{department}", new JsonObject { ["officers"] = officers });
        }

        var targets = new JsonArray(
            Target("2026-371002-48-01-000101", "914403001922038216"),
            Target("2026-371002-48-01-000102", "9144030071526726XG"),
            Target("2026-371002-48-01-000103", "914403001922038216"),
            Target("2026-371002-48-01-000104", "9144030071526726XG"));
        await PutAsync(app, "/api/enforcement/targets", new JsonObject { ["targets"] = targets });
    }

    private static async Task PutAsync(BuiltFunctionApp app, string path, JsonObject body)
    {
        using var admin = app.Client("dev-admin");
        var response = await admin.PutAsJsonAsync(path, body, Ct);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task PostAsync(BuiltFunctionApp app, string principal, string path, JsonObject? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var client = app.Client("dev-" + principal);
        var response = await client.PostAsJsonAsync(path, body ?? new JsonObject(), Ct);
        Assert.True(response.StatusCode == expected, $"POST {path} as {principal}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static JsonObject Officer(string id) => new()
    {
        ["officerId"] = id,
        ["name"] = "王建国",
        ["credentialNo"] = $"鲁执{id}",
        ["active"] = true,
        ["recuse"] = new JsonArray(),
    };

    private static JsonObject Target(string id, string owner) => new()
    {
        ["targetId"] = id,
        ["name"] = "威海市某住宅小区建设工程",
        ["creditCode"] = owner,
        ["region"] = id.Substring(5, 6),
        ["industry"] = "housing-construction",
    };

    private static JsonObject Plan()
    {
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().AddHours(8).UtcDateTime);
        return new JsonObject
        {
            ["planId"] = PlanId,
            ["title"] = "2026年第四季度房屋建筑工程招标投标联合双随机抽查",
            ["kind"] = "double-random",
            ["basis"] = "威海市招标投标监管协作机制 000 §(十五)",
            ["leadDepartment"] = "housing",
            ["participants"] = new JsonArray("housing", "market", "transport"),
            ["matters"] = new JsonArray(new JsonObject { ["name"] = "招标文件合规性", ["basis"] = "招标投标法实施条例 第三十二条" }),
            ["scope"] = new JsonObject { ["regions"] = new JsonArray("371002"), ["industries"] = new JsonArray("housing-construction") },
            ["window"] = new JsonObject { ["from"] = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["to"] = today.AddMonths(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
        };
    }
}
