using Deque.AxeCore.Playwright;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>The steps every console page test takes: a browser on the app, a principal's sign-in, the axe check.</summary>
internal static class ConsoleBrowserSteps
{
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ConsoleBrowserTests.Chromium(), Headless = true, Args = ["--no-sandbox"] });

    /// <summary>A fresh browser context signed in with <paramref name="key"/>, on the queue the sign-in lands on.</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, BuiltFunctionApp app, string key)
    {
        var page = await browser.NewPageAsync(new() { BaseURL = app.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "zh-CN" });
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("访问密钥").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        // The URL, not the load event: waiting for "load" after the sign-in's redirect has been seen to hang on a busy machine.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/queue$"), new() { Timeout = 30_000 });
        return page;
    }

    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})").ToArray();
        Assert.True(serious.Length == 0, "axe: " + string.Join("; ", serious));
    }

    /// <summary>An approval as the approval system pushes it; <paramref name="industry"/> decides where it is routed.</summary>
    public static object Approval(string approvalId, string industry = "housing-construction", string approvedAt = "2026-11-20T10:00:00+08:00") => new
    {
        approvalId,
        version = 1,
        projectCode = "2026-371002-48-01-600123",
        projectName = "环翠区海滨路片区排水管网改造工程",
        regionCode = "371002",
        industry,
        approvalKind = "approval",
        approvedAt,
        authority = "威海市环翠区行政审批服务局",
        owner = new { name = "威海市环翠区城市建设投资有限公司", creditCode = "91371002MA3C8Q2K5C" },
        investment = 56000000,
        tendering = new { scope = new[] { "construction", "supervision" }, method = "open", organization = "agency" },
    };
}
