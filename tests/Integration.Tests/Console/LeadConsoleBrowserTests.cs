using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>
/// 线索 in a real browser against the built app: the trading centre submits a lead by API, the housing department signs
/// its receipt against the catalogue and reports the result in the console; a returned lead reaches the coordinator,
/// who routes it in the console.
/// </summary>
[Trait("lane", "browser")]
public sealed class LeadConsoleBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_department_signs_the_receipt_and_reports_the_result_in_the_console()
    {
        const string leadId = "WH-LEAD-CONSOLE-0001";
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        await SubmitAsync(app, leadId);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
        await page.GetByRole(AriaRole.Link, new() { Name = "线索" }).ClickAsync();
        await page.WaitForURLAsync("**/console/leads");

        var item = page.Locator($"li[data-lead='{leadId}']");
        await Assertions.Expect(item).ToContainTextAsync("三家投标人的投标文件由同一台电脑制作");
        await Assertions.Expect(item.Locator(".own-status")).ToHaveTextAsync("本部门：待签收");
        await Assertions.Expect(item.Locator(".clock")).ToHaveTextAsync(new Regex(@"^签收（移交）期限 \d{4}年\d+月\d+日.* · (剩余 \d+ 个工作日|已超期)$"));
        await Assertions.Expect(item).ToContainTextAsync(Sha(1));
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "leads");

        // The second material did not arrive: the receipt lists it as missing.
        await item.Locator($"input[name=materials][value='{Sha(2)}']").UncheckAsync();
        await item.GetByLabel("备注").FillAsync("保证金流水未随函移送");
        await item.GetByRole(AriaRole.Button, new() { Name = $"签收 {leadId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"线索 {leadId} 已签收。");
        await Assertions.Expect(item.Locator(".own-status")).ToHaveTextAsync("本部门：已签收");
        await Assertions.Expect(item.Locator(".clock")).ToContainTextAsync("退回期限");

        // A decision of blanks passes the browser's check but not the console's: listed in Chinese, nothing changes.
        await item.GetByLabel("处理结果").SelectOptionAsync(new SelectOptionValue { Label = "行政处罚" });
        await item.GetByLabel("处理决定").FillAsync("   ");
        await item.GetByRole(AriaRole.Button, new() { Name = $"反馈结果 {leadId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("处理决定：请填写处理决定。");
        Assert.Equal("received", Part(await LeadAsync(app, leadId), "housing").GetProperty("status").GetString());

        await item.GetByLabel("处理结果").SelectOptionAsync(new SelectOptionValue { Label = "行政处罚" });
        // A decision as long as the API takes, in Chinese: the form is sent as multipart, so it fits the console's 16 KiB.
        var decision = "威住建罚〔2026〕12号：对两家投标人各处罚款。" + new string('罚', 1970);
        await item.GetByLabel("处理决定").FillAsync(decision);
        await item.GetByRole(AriaRole.Button, new() { Name = $"反馈结果 {leadId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"线索 {leadId} 处理结果已反馈。");
        await Assertions.Expect(item.Locator(".own-status")).ToHaveTextAsync("本部门：已反馈");
        await ConsoleBrowser.ScreenshotsAsync(page, "leads-fed-back");

        var part = Part(await LeadAsync(app, leadId), "housing");
        Assert.Equal("fed-back", part.GetProperty("status").GetString());
        Assert.Equal([Sha(1)], part.GetProperty("receipt").GetProperty("materials").EnumerateArray().Select(m => m.GetProperty("sha256").GetString()));
        Assert.Equal([Sha(2)], part.GetProperty("receipt").GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("sha256").GetString()));
        Assert.Equal("保证金流水未随函移送", part.GetProperty("receipt").GetProperty("note").GetString());
        Assert.Equal("penalty", part.GetProperty("result").GetProperty("outcome").GetString());
        Assert.Equal(decision, part.GetProperty("result").GetProperty("decision").GetString());
    }

    [Fact]
    public async Task A_returned_lead_waits_for_the_coordinator_who_routes_it_in_the_console()
    {
        const string leadId = "WH-LEAD-CONSOLE-0002";
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        await SubmitAsync(app, leadId);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var housing = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
        await housing.GotoAsync("/console/leads");
        var item = housing.Locator($"li[data-lead='{leadId}']");
        await item.GetByRole(AriaRole.Button, new() { Name = $"签收 {leadId}" }).ClickAsync();
        await item.GetByLabel("退回理由").FillAsync("涉及设备采购，不属本局监管。");
        await item.GetByRole(AriaRole.Button, new() { Name = $"退回 {leadId}" }).ClickAsync();
        await Assertions.Expect(housing.GetByRole(AriaRole.Status)).ToHaveTextAsync($"线索 {leadId} 已退回。");
        await Assertions.Expect(item.Locator(".own-status")).ToHaveTextAsync("本部门：已退回");

        var ndrc = await ConsoleBrowser.SignedInAsync(browser, app, "ndrc");
        await ndrc.GotoAsync("/console/leads");
        var routed = ndrc.Locator($"li[data-lead='{leadId}']");
        await Assertions.Expect(routed).ToContainTextAsync("状态 待分办");
        await Assertions.Expect(routed.Locator(".clock")).ToContainTextAsync("分办期限");
        await ConsoleBrowser.AssertAccessibleAsync(ndrc);
        await ConsoleBrowser.ScreenshotsAsync(ndrc, "leads-coordinator");
        await routed.GetByLabel("承办部门").SelectOptionAsync(new SelectOptionValue { Label = "威海市工业和信息化局" });
        await routed.GetByLabel("分办说明").FillAsync("设备采购由工信局监管");
        await routed.GetByRole(AriaRole.Button, new() { Name = $"分办 {leadId}" }).ClickAsync();
        await Assertions.Expect(ndrc.GetByRole(AriaRole.Status)).ToHaveTextAsync($"线索 {leadId} 已分办。");

        var lead = await LeadAsync(app, leadId);
        Assert.Equal("relayed", lead.GetProperty("status").GetString());
        Assert.Equal("relayed", Part(lead, "industry").GetProperty("status").GetString());
        Assert.Equal("设备采购由工信局监管", Part(lead, "industry").GetProperty("reason").GetString());
    }

    private static async Task SubmitAsync(BuiltFunctionApp app, string leadId)
    {
        using var center = app.Client("dev-trading-center");
        var submitted = await center.PostAsJsonAsync("/api/leads", Lead(leadId), Ct);
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
    }

    private static async Task<JsonElement> LeadAsync(BuiltFunctionApp app, string leadId)
    {
        using var ndrc = app.Client("dev-ndrc");
        return await ndrc.GetFromJsonAsync<JsonElement>($"/api/leads/{leadId}", Ct);
    }

    private static JsonElement Part(JsonElement lead, string department) =>
        lead.GetProperty("recipients").EnumerateArray().Last(r => r.GetProperty("department").GetString() == department);

    private static string Sha(int n) => new((char)('a' + n), 64);

    private static JsonObject Lead(string leadId) => new()
    {
        ["leadId"] = leadId,
        // An hour ago in China time: a lead may not be discovered in the future.
        ["discoveredAt"] = TimeProvider.System.GetUtcNow().AddHours(-1).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["projectCode"] = "2026-371002-48-01-000123",
        ["tenderId"] = "WHGG2026-0042",
        ["category"] = "other",
        ["industry"] = "housing-construction",
        ["summary"] = "三家投标人的投标文件由同一台电脑制作（机器码一致），报价呈规律性差异。",
        ["parties"] = new JsonArray
        {
            new JsonObject { ["name"] = "威海甲建设有限公司", ["creditCode"] = "914403001922038216", ["role"] = "bidder" },
        },
        ["evidence"] = new JsonArray
        {
            new JsonObject { ["name"] = "投标文件机器码比对报告", ["sha256"] = Sha(1), ["uri"] = "https://ggzy.weihai.example/evidence/1.pdf" },
            new JsonObject { ["name"] = "保证金缴纳账户流水", ["sha256"] = Sha(2), ["uri"] = "https://ggzy.weihai.example/evidence/2.pdf" },
        },
        ["suspectedCrime"] = false,
    };
}
