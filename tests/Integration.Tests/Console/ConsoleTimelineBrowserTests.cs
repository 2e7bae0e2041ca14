using System.Net;
using System.Net.Http.Json;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>办理记录: a record's history as a timeline, opened from the queue, with the 校验 badge of the recomputed hash chain.</summary>
[Trait("lane", "browser")]
public sealed class ConsoleTimelineBrowserTests
{
    private const string ApprovalId = "WH-CONSOLE-TIMELINE-01";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_department_opens_an_approvals_timeline_from_its_queue_and_sees_it_verified()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using (var system = app.Client("dev-approval-system"))
        {
            Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/approvals", ConsoleBrowser.Approval(ApprovalId), Ct)).StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
        await page.Locator($"li[data-approval='{ApprovalId}']").GetByRole(AriaRole.Link, new() { Name = $"{ApprovalId} 的办理记录" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/console/records/approval/{ApprovalId}$"), new() { Timeout = 30_000 });

        await Assertions.Expect(page.Locator("[data-verify]")).ToHaveAttributeAsync("data-verify", "valid");
        await Assertions.Expect(page.Locator("[data-verify] .badge")).ToHaveTextAsync("校验 通过");
        var entries = page.Locator("ol.timeline > li");
        await Assertions.Expect(entries.First).ToContainTextAsync("收到审批（approval.received）");
        await Assertions.Expect(entries.First).ToContainTextAsync("北京时间");
        await Assertions.Expect(entries.First).ToContainTextAsync("威海市行政审批服务局审批系统（approval-system）");
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "timeline");

        // The history API's record count is the page's.
        using var ndrc = app.Client("dev-ndrc");
        var history = await ndrc.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/audit/approval/{ApprovalId}", Ct);
        await Assertions.Expect(entries).ToHaveCountAsync(history.GetProperty("entries").GetArrayLength());
    }

    /// <summary>A report's history carries every department's acknowledgement; a department reads only its own entries.</summary>
    [Fact]
    public async Task A_department_reads_only_its_own_entries_of_a_reports_timeline()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using (var ndrc = app.Client("dev-ndrc"))
        {
            Assert.Equal(HttpStatusCode.Created, (await ndrc.PostAsJsonAsync("/api/reports/coordination", new { period = "2026Q1" }, Ct)).StatusCode);
        }

        foreach (var department in new[] { "housing", "water" })
        {
            using var client = app.Client("dev-" + department);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/reports/coordination/2026Q1/ack", null, Ct)).StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
        await page.GotoAsync("/console/records/coordination-report/2026Q1");
        var entries = page.Locator("ol.timeline > li");
        await Assertions.Expect(entries).ToHaveCountAsync(1);
        await Assertions.Expect(entries.First).ToContainTextAsync("（housing）");
        await Assertions.Expect(page.Locator("[data-verify]")).ToHaveAttributeAsync("data-verify", "valid");

        var coordinator = await ConsoleBrowser.SignedInAsync(browser, app, "ndrc");
        await coordinator.GotoAsync("/console/records/coordination-report/2026Q1");
        await Assertions.Expect(coordinator.Locator("ol.timeline > li", new() { HasTextString = "（water）" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_history_entry_changed_in_storage_shows_the_badge_failed_from_that_entry_on()
    {
        // The approval is stored, then its first history entry is rewritten behind the record store's back.
        var data = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using (var seeded = new PlatformFactory().With("Storage:DataPath", data))
            {
                using var system = seeded.ClientFor("approval-system");
                Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/approvals", ConsoleBrowser.Approval(ApprovalId), Ct)).StatusCode);
                var store = seeded.Services.GetRequiredService<ITableStore>();
                var first = await store.GetAsync(RecordStore.Table, $"approval|{ApprovalId}", "h0000000001", Ct);
                var forged = new Dictionary<string, object?>(first!.Properties) { ["Principal"] = "housing" };
                await store.UpsertAsync(RecordStore.Table, first with { Properties = forged, ETag = null }, Ct);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off", ["Storage:DataPath"] = data }, Ct);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
            var page = await ConsoleBrowser.SignedInAsync(browser, app, "ndrc");
            await page.GotoAsync($"/console/records/approval/{ApprovalId}");

            await Assertions.Expect(page.Locator("[data-verify]")).ToHaveAttributeAsync("data-verify", "invalid");
            await Assertions.Expect(page.Locator("[data-verify] .badge")).ToHaveTextAsync("校验 未通过");
            await Assertions.Expect(page.Locator("[data-verify]")).ToContainTextAsync("自第 1 条起不符");
            await Assertions.Expect(page.Locator("ol.timeline > li").First).ToContainTextAsync("此条记录未通过校验。");
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_department_the_record_does_not_concern_is_refused_and_an_unknown_record_is_not_found()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using (var system = app.Client("dev-approval-system"))
        {
            Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/approvals", ConsoleBrowser.Approval(ApprovalId), Ct)).StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "transport");

        var refused = await page.GotoAsync($"/console/records/approval/{ApprovalId}");
        Assert.Equal((int)HttpStatusCode.Forbidden, refused!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("无权查看");
        await Assertions.Expect(page.Locator("ol.timeline > li")).ToHaveCountAsync(0);

        Assert.Equal((int)HttpStatusCode.NotFound, (await page.GotoAsync("/console/records/approval/WH-NO-SUCH-ONE"))!.Status);
        Assert.Equal((int)HttpStatusCode.NotFound, (await page.GotoAsync($"/console/records/lease/{ApprovalId}"))!.Status);
    }
}
