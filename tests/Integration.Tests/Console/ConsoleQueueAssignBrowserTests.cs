using System.Net;
using System.Net.Http.Json;
using Integration.Tests.Support;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>待认领 for the coordinator: it sees what no department holds and assigns it, with the consequence stated before the click.</summary>
[Trait("lane", "browser")]
public sealed class ConsoleQueueAssignBrowserTests
{
    private const string ApprovalId = "WH-CONSOLE-ASSIGN-01";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_coordinator_assigns_an_approval_no_line_covers_to_a_department()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using (var system = app.Client("dev-approval-system"))
        {
            // No responsibility line covers energy: the approval waits for the coordinator.
            var pushed = await system.PostAsJsonAsync("/api/approvals", ConsoleBrowser.Approval(ApprovalId, industry: "energy"), Ct);
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "ndrc");

        var item = page.Locator($"li[data-approval='{ApprovalId}']");
        await Assertions.Expect(item).ToContainTextAsync("待 威海市发展和改革委员会 处理");
        await Assertions.Expect(item).ToContainTextAsync("分派后，该部门须在 2 个工作日内认领");
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await ConsoleBrowser.ScreenshotsAsync(page, "queue-coordinator");

        await item.GetByLabel("分派给").SelectOptionAsync("housing");
        await item.GetByRole(AriaRole.Button, new() { Name = $"分派 {ApprovalId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{ApprovalId} 已分派给威海市住房和城乡建设局。");

        // The coordinator's own part is settled; housing now holds a pending part with its claim clock.
        await Assertions.Expect(page.Locator($"li[data-approval='{ApprovalId}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"li[data-approval='{ApprovalId}']")).ToContainTextAsync("待 威海市住房和城乡建设局 处理");
        using var housing = app.Client("dev-housing");
        var detail = await housing.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/approvals/{ApprovalId}", Ct);
        var claims = detail.GetProperty("claims").EnumerateArray().ToDictionary(c => c.GetProperty("department").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("pending", claims["housing"]);
        Assert.Equal("assigned", claims["ndrc"]);
    }

    [Fact]
    public async Task A_department_sees_no_assign_form_and_cannot_post_one()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        using (var system = app.Client("dev-approval-system"))
        {
            Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/approvals", ConsoleBrowser.Approval(ApprovalId), Ct)).StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowser.LaunchAsync(playwright);
        var page = await ConsoleBrowser.SignedInAsync(browser, app, "housing");
        var item = page.Locator($"li[data-approval='{ApprovalId}']");
        await Assertions.Expect(item).ToHaveCountAsync(1);
        await Assertions.Expect(item.GetByLabel("分派给")).ToHaveCountAsync(0);

        // The form's own token, posted to the assign action by a department: refused, nothing changes.
        var token = await item.Locator("form input[type=hidden]").First.GetAttributeAsync("value");
        var name = await item.Locator("form input[type=hidden]").First.GetAttributeAsync("name");
        var posted = await page.APIRequest.PostAsync($"/console/approvals/{ApprovalId}/assign", new() { Form = FormData(page, (name!, token!), ("department", "water")) });
        Assert.Equal((int)HttpStatusCode.Forbidden, posted.Status);
        using var ndrc = app.Client("dev-ndrc");
        var detail = await ndrc.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/approvals/{ApprovalId}", Ct);
        Assert.DoesNotContain(detail.GetProperty("claims").EnumerateArray(), c => c.GetProperty("department").GetString() == "water");
    }

    private static IFormData FormData(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }
}
