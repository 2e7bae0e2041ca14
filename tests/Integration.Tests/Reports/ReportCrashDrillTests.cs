using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Orchestrations;
using Integration.Tests.Support;
using Microsoft.Data.Sqlite;
using static Integration.Tests.Enforcement.Plans.PlanSamples;
using AppProcess = Integration.Tests.Orchestrations.OrchestrationCrashDrillTests.AppProcess;

namespace Integration.Tests.Reports;

/// <summary>
/// Nothing acknowledged is lost: the function app in its own process, with the Azurite it starts itself over its data
/// folder, killed with SIGKILL (the app and its Azurite, which keeps its writes in memory for up to 5 s) right after it
/// answered a report request (202), a plan's creation (201) and a report's regeneration (202). After each restart
/// every one of them is done, and done once: one version per request, one message per department for each version,
/// one creation and one consultation message per participant for the plan, which its orchestration follows.
/// </summary>
[Trait("lane", "drill")]
[Collection(nameof(DurableAzuriteCollection))]
public sealed class ReportCrashDrillTests(DurableAzuriteFixture azurite) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);
    private const string Period = "2026Q1";
    private const string PlanId = "drill-report-plan";
    private readonly string dataPath = Directory.CreateTempSubdirectory("report-drill-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Killed_right_after_answering_a_report_request_a_plan_creation_and_a_regeneration_each_is_done_once_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = azurite.DrillEnvironment(dataPath);

        // The app's own Azurite, over files in the data folder: killed with the app, it loses its last seconds of writes.
        settings.Remove("Durable__StorageConnectionString");
        settings["Durable__AzuriteDataPath"] = Path.Combine(dataPath, "azurite");
        settings["Reports__RunCheckAfter"] = "00:00:10";
        var window = TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var plan = Plan(PlanId, from: window.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), to: window.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var drill = Stopwatch.StartNew();

        using (var first = await AppProcess.StartAsync(settings, ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(first, "ndrc", "/api/reports/coordination", new JsonObject { ["period"] = Period }, ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await PostAsync(first, "transport", "/api/enforcement/plans", plan, ct)).StatusCode);
            first.Kill();
        }

        var firstKill = drill.Elapsed;
        using (var second = await AppProcess.StartAsync(settings, ct))
        {
            Assert.Equal(1, (await PublishedAsync(second, 1, ct)).GetProperty("version").GetInt32());
            await second.WaitForAsync(PlanId, d => d.GetProperty("customStatus") is { ValueKind: JsonValueKind.Object } s && s.GetProperty("Stage").GetString() == "consultation", ct);
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(second, "ndrc", "/api/reports/coordination", new JsonObject { ["period"] = Period, ["regenerate"] = true }, ct)).StatusCode);
            second.Kill();
        }

        var secondKill = drill.Elapsed;
        using var third = await AppProcess.StartAsync(settings, ct);
        var regenerated = await PublishedAsync(third, 2, ct);
        Assert.Equal(1, regenerated.GetProperty("supersedes").GetInt32());
        TestContext.Current.SendDiagnosticMessage($"Report drill: first kill at {firstKill.TotalSeconds:0.0} s, second at {secondKill.TotalSeconds:0.0} s, version 2 published at {drill.Elapsed.TotalSeconds:0.0} s.");

        using var client = As(third, "ndrc");
        var report = await (await client.GetAsync($"/api/audit/coordination-report/{Period}", ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        var actions = report.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToArray();
        Assert.Equal(2, actions.Count(a => a == "coordination-report.generated"));
        Assert.Equal(2, actions.Count(a => a == "coordination-report.requested"));

        // ndrc's subscription takes every department's message: exactly one per department and version.
        var deliveries = Deliveries("coordination-reports", "ndrc");
        var departments = deliveries.Where(d => d.StartsWith($"report:{Period}:v1:", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(departments);
        Assert.Equal(departments.Length, departments.Distinct().Count());
        Assert.Equal(departments.Length, deliveries.Count(d => d.StartsWith($"report:{Period}:v2:", StringComparison.Ordinal)));
        Assert.Equal(2 * departments.Length, deliveries.Count);
        Assert.Equal(deliveries.Count, deliveries.Distinct().Count());

        var planDetail = await (await client.GetAsync($"/api/enforcement/plans/{PlanId}", ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(["plan.created"], planDetail.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        foreach (var participant in Participants)
        {
            Assert.Single(Deliveries("enforcement", participant));
        }
    }

    /// <summary>Waits until <paramref name="version"/> of the period's report is published (200; 202 while it is on its way).</summary>
    private static async Task<JsonElement> PublishedAsync(AppProcess app, int version, CancellationToken ct)
    {
        using var client = As(app, "ndrc");
        var last = "nothing";
        JsonElement published = default;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                var response = await client.GetAsync($"/api/reports/coordination/{Period}?version={version}", ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                last = $"{(int)response.StatusCode} {text}";
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }

                published = JsonDocument.Parse(text).RootElement.Clone();
                return true;
            },
            Patience,
            $"version {version} of {Period} was published",
            () => last,
            ct);
        return published;
    }

    /// <summary>The message ids delivered to a subscription, read from the app's embedded bus.</summary>
    private List<string> Deliveries(string topic, string subscription)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataPath, "integration.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id FROM bus_deliveries WHERE topic = $topic AND subscription = $subscription";
        command.Parameters.AddWithValue("$topic", topic);
        command.Parameters.AddWithValue("$subscription", subscription);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static HttpClient As(AppProcess app, string principal)
    {
        var client = new HttpClient { BaseAddress = app.Admin.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"dev-{principal}");
        return client;
    }

    private static async Task<HttpResponseMessage> PostAsync(AppProcess app, string principal, string path, JsonNode body, CancellationToken ct)
    {
        using var client = As(app, principal);
        var response = await client.PostAsJsonAsync(path, body, ct);
        Assert.True(response.IsSuccessStatusCode, $"{principal} POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return response;
    }
}
