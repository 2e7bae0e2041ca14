using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Functions.Platform.Hosting;
using Integration.Tests.Approvals;
using Integration.Tests.Enforcement.Plans;
using Integration.Tests.Leads;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>
/// Every HTTP function of the app, called by every kind of principal against seeded records, answers the status its
/// access rule says (<see cref="AccessMatrix"/>); a function without a row fails the test. The reads each principal
/// is allowed are then checked for content: a department's report holds its own section only, a letter recipient's
/// plan no finding but its letter's, meetings a department's own action items only.
/// </summary>
[Trait("lane", "integration")]
public sealed class AccessMatrixTests(AccessMatrixPlatform platform) : IClassFixture<AccessMatrixPlatform>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_http_function_answers_each_principal_as_its_access_rule_says()
    {
        var seeded = await SeedAsync();
        var functions = FunctionIndex.ForApp.Http.ToDictionary(f => f.Name, StringComparer.Ordinal);
        Assert.Empty(functions.Keys.Except(AccessMatrix.Rows.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(AccessMatrix.Rows.Keys.Except(functions.Keys).Order(StringComparer.Ordinal));

        var wrong = new List<string>();
        foreach (var (name, row) in AccessMatrix.Rows)
        {
            var function = functions[name];
            for (var i = 0; i < AccessMatrix.Principals.Length; i++)
            {
                var principal = AccessMatrix.Principals[i];
                var path = "/api/" + Fill(function.Route, seeded, row.Values);
                using var request = new HttpRequestMessage(new HttpMethod(function.Methods[0]), path);
                if (function.Methods[0] is "POST" or "PUT")
                {
                    request.Content = new StringContent(row.Body ?? "{}", Encoding.UTF8, "application/json");
                }

                using var client = principal == "anonymous" ? platform.CreateClient() : platform.ClientFor(principal);
                using var response = await client.SendAsync(request, Cancellation);
                if ((int)response.StatusCode != row.Expected[i])
                {
                    wrong.Add($"{name} {function.Methods[0]} {path} as {principal}: expected {row.Expected[i]}, got {(int)response.StatusCode} {Cut(await response.Content.ReadAsStringAsync(Cancellation))}");
                }
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {AccessMatrix.Rows.Count * AccessMatrix.Principals.Length} calls answered otherwise:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public async Task A_department_reads_its_own_report_section_in_every_form_and_the_coordinator_all()
    {
        await SeedAsync();
        var whole = await GetJsonAsync("ndrc", "/api/reports/coordination/2026Q1");
        Assert.True(whole.GetProperty("departments").GetArrayLength() > 2);
        Assert.True(whole.TryGetProperty("municipality", out _));

        var own = await GetJsonAsync("housing", "/api/reports/coordination/2026Q1");
        Assert.Equal(["housing"], own.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("department").GetString()));
        Assert.False(own.TryGetProperty("municipality", out _));
        Assert.All(own.GetProperty("named").EnumerateArray(), n => Assert.Equal("housing", n.GetProperty("department").GetString()));
        Assert.Equal(whole.GetProperty("sha256").GetString(), own.GetProperty("sha256").GetString());

        var page = await GetTextAsync("housing", "/api/reports/coordination/2026Q1.html");
        Assert.Contains("住房和城乡建设局", page, StringComparison.Ordinal);
        Assert.DoesNotContain("水务局", page, StringComparison.Ordinal);
        Assert.DoesNotContain("全市按时办理率", page, StringComparison.Ordinal);
        Assert.Contains("水务局", await GetTextAsync("ndrc", "/api/reports/coordination/2026Q1.html"), StringComparison.Ordinal);

        var workbook = await GetBytesAsync("housing", "/api/reports/coordination/2026Q1.xlsx");
        Assert.Equal(["housing"], Sheets(workbook));
        Assert.Contains("municipality", Sheets(await GetBytesAsync("ndrc", "/api/reports/coordination/2026Q1.xlsx")));
    }

    [Fact]
    public async Task The_recipient_of_an_assistance_letter_reads_the_letter_and_its_task_and_no_finding_of_the_inspection()
    {
        var seeded = await SeedAsync();
        var plan = await GetJsonAsync(AccessMatrix.LetterRecipient, $"/api/enforcement/plans/{seeded.PlanId}");
        var text = plan.GetRawText();
        Assert.DoesNotContain(Seeded.PrivateFinding, text, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("history").ValueKind);
        var letter = Assert.Single(plan.GetProperty("letters").EnumerateArray().ToArray());
        Assert.Equal(AccessMatrix.LetterRecipient, letter.GetProperty("to").GetString());
        Assert.Equal(Seeded.LetterFinding, letter.GetProperty("finding").GetString());

        var tasks = await GetJsonAsync(AccessMatrix.LetterRecipient, $"/api/enforcement/plans/{seeded.PlanId}/tasks");
        var task = Assert.Single(tasks.GetProperty("tasks").EnumerateArray().ToArray());
        Assert.Equal(seeded.TaskId, task.GetProperty("taskId").GetString());
        Assert.Equal(JsonValueKind.Null, task.GetProperty("result").ValueKind);
        Assert.DoesNotContain(Seeded.PrivateFinding, tasks.GetRawText(), StringComparison.Ordinal);

        // A party reads both findings.
        Assert.Contains(Seeded.PrivateFinding, (await GetJsonAsync("housing", $"/api/enforcement/plans/{seeded.PlanId}/tasks")).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Meetings_show_a_department_its_own_action_items_and_extra_meetings_only_their_requester()
    {
        var seeded = await SeedAsync();
        var housing = await GetJsonAsync("housing", "/api/reports/coordination/2026Q1/meeting");
        Assert.Equal(["housing"], housing.GetProperty("actionItems").EnumerateArray().Select(a => a.GetProperty("owner").GetString()));
        Assert.Equal(JsonValueKind.Null, housing.GetProperty("history").ValueKind);
        var market = await GetJsonAsync("market", "/api/reports/coordination/2026Q1/meeting");
        Assert.Equal(["market"], market.GetProperty("actionItems").EnumerateArray().Select(a => a.GetProperty("owner").GetString()));
        var all = await GetJsonAsync("ndrc", "/api/reports/coordination/2026Q1/meeting");
        Assert.Equal(2, all.GetProperty("actionItems").GetArrayLength());

        Assert.Equal(Seeded.ExtraReason, (await GetJsonAsync("housing", $"/api/meetings/{seeded.ExtraMeetingId}")).GetProperty("reason").GetString());
        using var other = await platform.ClientFor("market").GetAsync($"/api/meetings/{seeded.ExtraMeetingId}", Cancellation);
        var refused = await other.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.DoesNotContain(Seeded.ExtraReason, refused.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_department_recuses_only_its_own_officers_and_nobody_submits_a_lead_at_an_id_kept_for_findings()
    {
        var seeded = await SeedAsync();
        var tasks = await GetJsonAsync("ndrc", $"/api/enforcement/plans/{seeded.PlanId}/tasks");
        var task = tasks.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("departments").GetArrayLength() > 1 && t.GetProperty("status").GetString() == "assigned");
        var officers = task.GetProperty("officers").EnumerateArray().ToArray();
        var (first, second) = (officers[0], officers.First(o => o.GetProperty("department").GetString() != officers[0].GetProperty("department").GetString()));
        using var response = await platform.ClientFor(second.GetProperty("department").GetString()!).PostAsJsonAsync(
            $"/api/enforcement/plans/{seeded.PlanId}/tasks/{task.GetProperty("taskId").GetString()}/recusals",
            new JsonObject { ["officerId"] = first.GetProperty("officerId").GetString(), ["reason"] = "与被检查对象存在利害关系" }, Cancellation);
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        var after = await GetJsonAsync("ndrc", $"/api/enforcement/plans/{seeded.PlanId}/tasks");
        Assert.Equal(task.GetRawText(), after.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("taskId").GetString() == task.GetProperty("taskId").GetString()).GetRawText());

        foreach (var reserved in new[] { $"{seeded.PlanId}.T0009.F0", "ANY.F12", "F-" + new string('a', 40) })
        {
            using var captured = await platform.ClientFor("trading-center").PostAsJsonAsync("/api/leads", LeadPlatform.Lead(reserved, "2026-03-02T09:00:00+08:00"), Cancellation);
            Assert.Equal(["leadId"], (await captured.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
    }

    private async Task<Seeded> SeedAsync() => await platform.SeededAsync();

    private static string Fill(string route, Seeded seeded, IReadOnlyDictionary<string, string>? overrides)
    {
        var values = seeded.RouteValues(overrides);
        foreach (var (key, value) in values)
        {
            route = route.Replace("{" + key + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("{", route, StringComparison.Ordinal);
        return route;
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300];

    private async Task<JsonElement> GetJsonAsync(string principal, string path)
    {
        using var response = await platform.ClientFor(principal).GetAsync(path, Cancellation);
        return await response.ReadJsonAsync();
    }

    private async Task<string> GetTextAsync(string principal, string path)
    {
        using var response = await platform.ClientFor(principal).GetAsync(path, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Cancellation);
    }

    private async Task<byte[]> GetBytesAsync(string principal, string path)
    {
        using var response = await platform.ClientFor(principal).GetAsync(path, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Cancellation);
    }

    private static string[] Sheets(byte[] workbook)
    {
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        return document.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Select(s => s.Name!.Value!).ToArray();
    }
}
