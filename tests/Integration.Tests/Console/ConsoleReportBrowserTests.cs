using System.Net;
using System.Net.Http.Json;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>协调通报: a department reads its own section of the period's report, the on-time chart in numbers, and acknowledges it.</summary>
[Trait("lane", "browser")]
public sealed class ConsoleReportBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_department_reads_its_section_downloads_the_workbook_and_acknowledges_the_report()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using (var system = app.Client("dev-approval-system"))
        {
            Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/approvals", ConsoleBrowser.Approval("WH-CONSOLE-REPORT-01"), Ct)).StatusCode);
        }

        // The coordinator asks for the running quarter's report (the default cadence).
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var period = $"{today.Year}Q{((today.Month - 1) / 3) + 1}";
        using (var ndrc = app.Client("dev-ndrc"))
        {
            Assert.Equal(HttpStatusCode.Created, (await ndrc.PostAsJsonAsync("/api/reports/coordination", new { period }, Ct)).StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
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
        await Assertions.Expect(page.Locator("[aria-labelledby=chart-title] tbody tr:not([data-own])")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-ack=open] .countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^剩余 \\d+ 个工作日$"), new() { Timeout = 30_000 });
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "reports");

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
        var coordinator = await ConsoleBrowser.SignedInAsync(browser, app, "ndrc");
        await coordinator.GotoAsync($"/console/reports?period={period}");
        await Assertions.Expect(coordinator.Locator("[data-section=municipality]")).ToHaveCountAsync(1);
        await Assertions.Expect(coordinator.Locator("[data-section=municipality]")).ToContainTextAsync("推送 1");
        await Assertions.Expect(coordinator.Locator("[data-section=department]")).ToHaveCountAsync(23);
        await ConsoleBrowser.AssertAccessibleAsync(coordinator);
        await ConsoleBrowser.ScreenshotsAsync(coordinator, "reports-coordinator");

        using var housing = app.Client("dev-housing");
        var again = await housing.PostAsJsonAsync($"/api/reports/coordination/{period}/ack", new { }, Ct);
        var body = await again.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        Assert.Equal("unchanged", body.GetProperty("outcome").GetString());
        Assert.Equal("海滨路片区项目认领衔接", body.GetProperty("acknowledgement").GetProperty("agenda")[0].GetString());
    }

    [Fact]
    public async Task The_coordinator_schedules_the_meeting_and_records_minutes_and_housing_closes_its_action_item()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        var china = TimeSpan.FromHours(8);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(china).DateTime);
        var period = $"{today.Year}Q{((today.Month - 1) / 3) + 1}";
        using var ndrcApi = app.Client("dev-ndrc");
        Assert.Equal(HttpStatusCode.Created, (await ndrcApi.PostAsJsonAsync("/api/reports/coordination", new { period }, Ct)).StatusCode);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var ndrc = await ConsoleBrowser.SignedInAsync(browser, app, "ndrc");
        await ndrc.GotoAsync($"/console/reports?period={period}");
        await Assertions.Expect(ndrc.Locator("#meeting-title")).ToHaveTextAsync("协调会商 · 征集议题");

        // A time already past is refused under the field's Chinese label, and nothing is scheduled.
        var past = TimeProvider.System.GetUtcNow().ToOffset(china).AddDays(-1);
        await ndrc.GetByLabel("会商时间（北京时间）").FillAsync(past.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await ndrc.GetByRole(AriaRole.Button, new() { Name = "安排会商" }).ClickAsync();
        await Assertions.Expect(ndrc.Locator(".field-errors li")).ToHaveTextAsync("会商时间：会商时间须晚于现在。");
        await Assertions.Expect(ndrc.Locator("#meeting-title")).ToHaveTextAsync("协调会商 · 征集议题");

        var at = TimeProvider.System.GetUtcNow().ToOffset(china).AddHours(2);
        await ndrc.GetByLabel("会商时间（北京时间）").FillAsync(at.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await ndrc.GetByLabel("会商议题（可选，每行一条；留空则沿用已列入或各部门提交的议题）").FillAsync("海滨路片区项目认领衔接");
        await ndrc.GetByRole(AriaRole.Button, new() { Name = "安排会商" }).ClickAsync();
        await Assertions.Expect(ndrc.GetByRole(AriaRole.Status)).ToHaveTextAsync("已安排会商，各成员部门已收到通知。");
        await Assertions.Expect(ndrc.Locator(".meeting-at")).ToHaveTextAsync($"会商时间：{at:yyyy年M月d日 HH:mm}（北京时间）");
        await Assertions.Expect(ndrc.Locator(".agenda li")).ToHaveTextAsync("海滨路片区项目认领衔接（威海市发展和改革委员会）");
        await Assertions.Expect(ndrc.GetByRole(AriaRole.Form, new() { Name = "录入会议纪要" })).ToHaveCountAsync(0);

        // The meeting is moved (through the API) to a moment just ahead; once it has passed, the minutes form opens.
        var soon = TimeProvider.System.GetUtcNow().AddSeconds(3);
        Assert.Equal(HttpStatusCode.OK, (await ndrcApi.PostAsJsonAsync($"/api/reports/coordination/{period}/meeting", new { at = soon }, Ct)).StatusCode);
        await Eventually.WaitUntilAsync(() => TimeProvider.System.GetUtcNow() > soon, Eventually.Patience, "the meeting time passed", Ct);
        await ndrc.GotoAsync($"/console/reports?period={period}");
        var minutes = ndrc.GetByRole(AriaRole.Form, new() { Name = "录入会议纪要" });
        await minutes.GetByLabel("会议纪要").FillAsync("会商海滨路片区项目认领衔接问题。");
        await ndrc.Locator("#field-actionItems-0").SelectOptionAsync("housing");
        await ndrc.GetByRole(AriaRole.Button, new() { Name = "录入纪要" }).ClickAsync();
        // A row with a department but no matter nor time limit is refused field by field.
        await Assertions.Expect(ndrc.Locator(".field-errors li")).ToHaveTextAsync(["督办事项第 1 行事项：须为 1 至 1000 字，且不含控制字符。", "督办事项第 1 行办理时限：须为 1 至 250 之间的整数（工作日）。"]);

        minutes = ndrc.GetByRole(AriaRole.Form, new() { Name = "录入会议纪要" });
        await minutes.GetByLabel("会议纪要").FillAsync("会商海滨路片区项目认领衔接问题。");
        await minutes.GetByLabel("议定事项（可选，每行一条）").FillAsync("住建局牵头核实认领情况");
        await ndrc.Locator("#field-actionItems-0").SelectOptionAsync("housing");
        await ndrc.Locator("#what-0").FillAsync("核实海滨路片区项目认领情况并报送");
        await ndrc.Locator("#due-0").FillAsync("5");
        await ndrc.GetByRole(AriaRole.Button, new() { Name = "录入纪要" }).ClickAsync();
        await Assertions.Expect(ndrc.GetByRole(AriaRole.Status)).ToHaveTextAsync("已录入会议纪要，督办事项已通知责任部门。");
        await Assertions.Expect(ndrc.Locator("#meeting-title")).ToHaveTextAsync("协调会商 · 已召开");
        await Assertions.Expect(ndrc.Locator(".minutes")).ToContainTextAsync("住建局牵头核实认领情况");
        var actionId = $"{period}-A001";
        await Assertions.Expect(ndrc.Locator($"[data-action='{actionId}'] h3")).ToHaveTextAsync($"{actionId} · 威海市住房和城乡建设局");
        // ndrc sees every item but closes none it does not own.
        await Assertions.Expect(ndrc.Locator($"[data-action='{actionId}'] form")).ToHaveCountAsync(0);
        await ConsoleBrowser.AssertAccessibleAsync(ndrc);
        await ConsoleBrowser.ScreenshotsAsync(ndrc, "reports-meeting-coordinator");

        var housing = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
        await housing.GotoAsync($"/console/reports?period={period}");
        var item = housing.Locator($"[data-action='{actionId}']");
        // The clock is the API's: due 5 working days after the minutes' date, today still counted as a day left.
        var assigned = await ndrcApi.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/reports/coordination/{period}/meeting", Ct);
        var due = DateOnly.ParseExact(assigned.GetProperty("actionItems")[0].GetProperty("deadline").GetProperty("deadline").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(item.Locator(".clock")).ToContainTextAsync($"办理期限 {due:yyyy年M月d日}");
        await Assertions.Expect(item.Locator(".countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^剩余 [1-6] 个工作日$"));
        await Assertions.Expect(housing.Locator(".minutes")).ToContainTextAsync("会商海滨路片区项目认领衔接问题。");
        await Assertions.Expect(housing.GetByRole(AriaRole.Form, new() { Name = "录入会议纪要" })).ToHaveCountAsync(0);
        await ConsoleBrowser.AssertAccessibleAsync(housing);
        await ConsoleBrowser.ScreenshotsAsync(housing, "reports-meeting-department");

        await housing.GetByLabel($"办理结果（{actionId}）").FillAsync("已核实，认领情况已报送。");
        await housing.GetByRole(AriaRole.Button, new() { Name = $"办结 {actionId}" }).ClickAsync();
        await Assertions.Expect(housing.GetByRole(AriaRole.Status)).ToHaveTextAsync("督办事项已办结。");
        await Assertions.Expect(housing.Locator($"[data-action='{actionId}']")).ToHaveAttributeAsync("data-status", "closed");
        await Assertions.Expect(housing.Locator($"[data-action='{actionId}'] .outcome")).ToHaveTextAsync("办理结果：已核实，认领情况已报送。");

        var meeting = await ndrcApi.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/reports/coordination/{period}/meeting", Ct);
        var closed = meeting.GetProperty("actionItems")[0];
        Assert.Equal("housing", closed.GetProperty("owner").GetString());
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal("已核实，认领情况已报送。", closed.GetProperty("outcome").GetString());
        Assert.Equal("会商海滨路片区项目认领衔接问题。", meeting.GetProperty("minutes").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task A_system_principal_is_told_reports_are_not_for_it()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "trading-center");
        var response = await page.GotoAsync("/console/reports");
        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.APIRequest.GetAsync("/console/reports/2026Q1.xlsx")).Status);
    }
}
