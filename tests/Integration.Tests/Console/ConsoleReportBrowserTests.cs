using System.Net;
using System.Net.Http.Json;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>协调通报: a department reads its own section of the period's report, the on-time chart in numbers, and acknowledges it.</summary>
public sealed class ConsoleReportBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_department_reads_its_section_downloads_the_workbook_and_acknowledges_the_report()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using (var system = app.Client("dev-approval-system"))
        {
            Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/approvals", ConsoleBrowserSteps.Approval("WH-CONSOLE-REPORT-01"), Ct)).StatusCode);
        }

        // The coordinator asks for the running quarter's report (the default cadence).
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var period = $"{today.Year}Q{((today.Month - 1) / 3) + 1}";
        using (var ndrc = app.Client("dev-ndrc"))
        {
            Assert.Equal(HttpStatusCode.Created, (await ndrc.PostAsJsonAsync("/api/reports/coordination", new { period }, Ct)).StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowserSteps.LaunchAsync(playwright);
        var page = await ConsoleBrowserSteps.SignInAsync(browser, app, "dev-housing");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "主导航" }).GetByRole(AriaRole.Link, new() { Name = "协调通报" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/reports$"), new() { Timeout = 30_000 });

        await Assertions.Expect(page.Locator("#report-title")).ToHaveTextAsync($"{period} 第 1 版");
        // Housing sees its own section only, not the municipality's nor another department's.
        await Assertions.Expect(page.Locator("[data-section=department]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-section=department]")).ToHaveAttributeAsync("aria-label", "威海市住房和城乡建设局");
        await Assertions.Expect(page.Locator("[data-section=department]")).ToContainTextAsync("推送 1");
        await Assertions.Expect(page.Locator("[data-section=municipality]")).ToHaveCountAsync(0);
        // The chart says each rate in text; housing's row is marked as its own.
        await Assertions.Expect(page.Locator("tr[data-own=true] th")).ToHaveTextAsync("威海市住房和城乡建设局（本部门）");
        await Assertions.Expect(page.Locator("tr[data-own=true] td").First).ToHaveTextAsync("无应办事项");
        await Assertions.Expect(page.Locator("[data-ack=open] .countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^剩余 \\d+ 个工作日$"), new() { Timeout = 30_000 });
        await ConsoleBrowserSteps.AssertNoSeriousViolationsAsync(page);
        await ConsoleBrowserTests.ScreenshotsAsync(page, "reports");

        // The workbook and the printable page come through the console with housing's rights.
        var workbook = await page.APIRequest.GetAsync(await page.GetByRole(AriaRole.Link, new() { Name = "下载工作簿（xlsx）" }).GetAttributeAsync("href") ?? "");
        Assert.Equal(200, workbook.Status);
        Assert.StartsWith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", workbook.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("PK", System.Text.Encoding.ASCII.GetString((await workbook.BodyAsync())[..2]));
        var printable = await page.APIRequest.GetAsync(await page.GetByRole(AriaRole.Link, new() { Name = "打印版" }).GetAttributeAsync("href") ?? "");
        Assert.Equal(200, printable.Status);
        Assert.Contains("招标投标监管协调会商通报", await printable.TextAsync(), StringComparison.Ordinal);

        await page.GetByLabel("会商议题（可选，每行一条，最多 20 条）").FillAsync("海滨路片区项目认领衔接");
        await page.GetByRole(AriaRole.Button, new() { Name = "签收" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"已签收 {period} 第 1 版通报。");
        await Assertions.Expect(page.Locator("[data-ack=done]")).ToContainTextAsync("提交的会商议题：海滨路片区项目认领衔接");

        // The coordinator reads the municipality's section and every department's.
        var coordinator = await ConsoleBrowserSteps.SignInAsync(browser, app, "dev-ndrc");
        await coordinator.GotoAsync($"/console/reports?period={period}");
        await Assertions.Expect(coordinator.Locator("[data-section=municipality]")).ToHaveCountAsync(1);
        await Assertions.Expect(coordinator.Locator("[data-section=municipality]")).ToContainTextAsync("推送 1");
        await Assertions.Expect(coordinator.Locator("[data-section=department]")).ToHaveCountAsync(23);
        await ConsoleBrowserSteps.AssertNoSeriousViolationsAsync(coordinator);
        await ConsoleBrowserTests.ScreenshotsAsync(coordinator, "reports-coordinator");

        using var housing = app.Client("dev-housing");
        var again = await housing.PostAsJsonAsync($"/api/reports/coordination/{period}/ack", new { }, Ct);
        var body = await again.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        Assert.Equal("unchanged", body.GetProperty("outcome").GetString());
        Assert.Equal("海滨路片区项目认领衔接", body.GetProperty("acknowledgement").GetProperty("agenda")[0].GetString());
    }

    [Fact]
    public async Task A_system_principal_is_told_reports_are_not_for_it()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowserSteps.LaunchAsync(playwright);
        var page = await ConsoleBrowserSteps.SignInAsync(browser, app, "dev-trading-center");
        var response = await page.GotoAsync("/console/reports");
        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.APIRequest.GetAsync("/console/reports/2026Q1.xlsx")).Status);
    }
}
