using Deque.AxeCore.Playwright;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Identity.EntraId;

/// <summary>
/// 使用统一身份认证登录 in Debian's chromium, with the provider on another site than the app (localhost against
/// 127.0.0.1), as Entra ID is, and a button to press there: the browser's own cookie rules (SameSite) decide whether the
/// person lands signed in after the navigation back from the provider's site.
/// </summary>
[Trait("lane", "browser")]
public sealed class ConsoleEntraSignInBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_person_signs_in_through_the_provider_on_another_site_and_lands_on_the_queue_of_the_mapped_department()
    {
        await using var provider = await LoopbackOpenIdProvider.StartAsync(Ct, hostName: "localhost");
        provider.NextUserRoles = ["Department.Housing"];
        provider.Interactive = true;
        await using var app = await BuiltFunctionApp.StartAsync(
            new Dictionary<string, string>
            {
                ["Durable:Engine"] = "Off",
                ["Identity:EntraId:Instance"] = provider.Instance.ToString(),
                ["Identity:EntraId:TenantId"] = LoopbackOpenIdProvider.TenantId,
                ["Identity:EntraId:Audience"] = LoopbackOpenIdProvider.ApiAudience,
                ["Identity:EntraId:ClientId"] = LoopbackOpenIdProvider.ClientId,
                ["Identity:EntraId:ClientSecret"] = LoopbackOpenIdProvider.ClientSecret,
                ["Identity:EntraId:AllowHttpOnLoopback"] = "true",
                ["Identity:EntraId:Principals:housing"] = "Department.Housing",
            },
            Ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = await SystemChromium.PathAsync(), Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { BaseURL = app.Address.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, Locale = "zh-CN" });

        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("/console/sign-in");
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToArray();
        Assert.True(serious.Length == 0, "axe: " + string.Join("; ", serious));
        await page.GetByRole(AriaRole.Button, new() { Name = "使用统一身份认证登录" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("^http://localhost:[0-9]+/"));
        // The person signs in on the provider's page: from here the way back to the console starts on another site.
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        // The URL is enough: on a machine busy with other browsers the load event can lag well behind the page.
        try
        {
            await page.WaitForURLAsync("**/console/queue", new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        }
        catch (TimeoutException e)
        {
            // Where the person ended up, and what that page said, is what a failure here needs to be explained.
            var shown = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
            throw new TimeoutException($"Not on the queue after signing in: at {page.Url} (codes redeemed: {provider.CodesRedeemed}), showing: {shown}", e);
        }

        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("威海市住房和城乡建设局", new() { Timeout = 30_000 });
        Assert.Equal(1, provider.CodesRedeemed);
    }
}
