using System.Net;
using System.Net.Http.Json;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>
/// The console in a real browser: Debian's chromium (installed with apt; Playwright never downloads one here) driven by
/// Playwright against the built app in its own process. A department signs in with its key, sees the approval routed
/// to it with its working-day countdown, and claims it; axe finds no serious or critical violation on the page.
/// </summary>
[Trait("lane", "browser")]
public sealed class ConsoleBrowserTests
{
    private const string ApprovalId = "WH-CONSOLE-0001";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_department_signs_in_sees_its_queue_with_a_countdown_and_claims_an_approval()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using (var system = app.Client("dev-approval-system"))
        {
            var pushed = await system.PostAsJsonAsync("/api/approvals", ConsoleBrowser.Approval(ApprovalId), Ct);
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { BaseURL = app.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "zh-CN" });

        await page.GotoAsync("/console");
        Assert.EndsWith("/console/sign-in", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("访问密钥").FillAsync("dev-housing");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForURLAsync("**/console/queue");

        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        var item = page.Locator($"li[data-approval='{ApprovalId}']");
        await Assertions.Expect(item).ToContainTextAsync("环翠区海滨路片区排水管网改造工程");
        await Assertions.Expect(item.Locator(".countdown, .overdue")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(剩余 \\d+ 个工作日|已超期)$"));

        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "queue");

        await item.GetByRole(AriaRole.Button, new() { Name = $"认领 {ApprovalId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{ApprovalId} 已认领");
        await Assertions.Expect(item).ToHaveCountAsync(0);

        using var housing = app.Client("dev-housing");
        var detail = await housing.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/approvals/{ApprovalId}", Ct);
        Assert.Contains(detail.GetProperty("claims").EnumerateArray(), p => p.GetProperty("department").GetString() == "housing" && p.GetProperty("status").GetString() == "claimed");
    }

    [Fact]
    public async Task A_form_without_its_anti_forgery_token_changes_nothing()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using var client = new HttpClient { BaseAddress = app.Address };
        var forged = await client.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "dev-housing" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(forged.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("console-session", StringComparison.Ordinal)));
    }

    /// <summary>Each page at the two widths the console is built for, kept with the test results.</summary>
}
