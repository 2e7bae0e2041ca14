using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>总览: the coordinator sees what is overdue across the municipality and the state of the platform's queues and engine.</summary>
[Trait("lane", "browser")]
public sealed class ConsoleOverviewBrowserTests
{
    private const string ApprovalId = "WH-CONSOLE-OVERDUE-01";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_coordinator_sees_an_approval_whose_claim_clock_ran_out_weeks_ago()
    {
        // The approval is pushed three weeks ago (the app on a clock set back), then the built app opens the same data.
        var data = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var then = TimeProvider.System.GetUtcNow().AddDays(-21);
            using (var seeded = new PlatformFactory().With("Storage:DataPath", data).WithTime(new ManualTimeProvider(then)))
            {
                using var system = seeded.ClientFor("approval-system");
                var approvedAt = then.AddDays(-1).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
                var pushed = await system.PostAsJsonAsync("/api/approvals", ConsoleBrowser.Approval(ApprovalId, approvedAt: approvedAt), Ct);
                Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off", ["Storage:DataPath"] = data }, Ct);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
            var page = await ConsoleBrowser.SignedInAsync(browser, app, "ndrc");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "主导航" }).GetByRole(AriaRole.Link, new() { Name = "总览" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/overview$"), new() { Timeout = 30_000 });

            var overdue = page.Locator("[data-section=overdue] tbody tr").Filter(new() { HasText = ApprovalId });
            await Assertions.Expect(overdue).ToHaveCountAsync(1);
            await Assertions.Expect(overdue).ToContainTextAsync("威海市住房和城乡建设局");
            await Assertions.Expect(overdue).ToContainTextAsync("认领");
            await Assertions.Expect(overdue.Locator(".overdue")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^([1-9]\\d*) 个工作日$"), new() { Timeout = 30_000 });
            await Assertions.Expect(overdue.GetByRole(AriaRole.Link, new() { Name = ApprovalId })).ToHaveAttributeAsync("href", $"/console/records/approval/{ApprovalId}");
            await Assertions.Expect(page.Locator("[data-section=dead-letters]")).ToContainTextAsync("没有死信消息。");
            await Assertions.Expect(page.Locator("[data-section=orchestrations]")).ToContainTextAsync("未启用编排引擎");
            await ConsoleBrowser.AssertAccessibleAsync(page);
            await ConsoleBrowser.ScreenshotsAsync(page, "overview");

            var housing = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
            var refused = await housing.GotoAsync("/console/overview");
            Assert.Equal((int)HttpStatusCode.Forbidden, refused!.Status);
            await Assertions.Expect(housing.GetByRole(AriaRole.Alert)).ToHaveTextAsync("总览仅供协调机构与运维人员使用。");
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
