using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Benchmarks.Harness;
using Integration.Domain.Enforcement.Draw;
using Integration.Functions.Platform.Orchestrations;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// One joint-enforcement plan end to end on the function app (its own process) with the Azure Table storage adapter
/// and the task hub both on Azurite: 500 imported targets, six departments' officer lists, create, six confirmations,
/// approval, six commitments, six reveals (a 100 % sampling ratio, so every target is drawn), a result for every task,
/// publication; then waits for the plan's orchestration to complete. One run: each stage is timed on its own, and a
/// stage that fails is reported with the app's answer instead of being worked around.
/// </summary>
internal sealed class EnforcementPlanSuite : IBenchmarkSuite
{
    private const int Targets = 500;
    private const int OfficersPerDepartment = 20;
    private const string Lead = "housing";
    private const string Initiator = "transport";
    private const string Coordinator = "ndrc";
    private static readonly string[] Participants = ["housing", "transport", "water", "industry", "market", "police"];
    private static readonly string[] Owners = ["914403001922038216", "9144030071526726XG"];
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public string Name => "enforcement-plan";

    public string Description => "one joint-enforcement plan of 500 targets end to end, storage and task hub on Azurite (needs Node.js)";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var root = RepositoryRoot.Find();
        using var azurite = await AzuriteProcess.StartAsync(new AzuriteStart(AzuriteProcess.PackageFolderIn(root), AzuriteServices.BlobQueueTable), cancellationToken);
        using var scratch = Scratch.Create(run.Options.DataRoot, "enforcement-plan");
        using var app = FunctionAppProcess.Start(FunctionAppProcess.AppFolder(root), Loopback.FreePort(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:DataPath"] = scratch.Path,
            ["Connectors:ApprovalSystem:BaseUrl"] = "",
            ["Enforcement:SeedDevelopmentOfficers"] = "false",
            ["Durable:StorageConnectionString"] = azurite.ConnectionString,
            ["Durable:TaskHub"] = "benchplan",
        });
        await app.WaitHealthyAsync(Patience, cancellationToken);
        var targets = run.Options.Scaled(Targets);
        run.Log.WriteLine($"  Azurite {azurite.Version} (blob, queue, table; in memory), function app pid {app.Process.Id}, {targets} targets, {Participants.Length} departments");

        var clients = new[] { Coordinator, "admin" }.Concat(Participants).Distinct()
            .ToDictionary(p => p, p => new HttpClient { BaseAddress = app.Client.BaseAddress, Timeout = TimeSpan.FromMinutes(2) });
        foreach (var (principal, client) in clients)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"dev-{principal}");
        }

        var planId = $"bench-{Guid.NewGuid():N}"[..20];
        var stages = new Stages(run.Log);
        var total = Stopwatch.StartNew();
        try
        {
            await stages.TimeAsync($"import {targets} targets (PUT /api/enforcement/targets)", async () =>
                await SendAsync(clients[Coordinator], HttpMethod.Put, "api/enforcement/targets", TargetLibrary(targets), cancellationToken));
            await stages.TimeAsync($"{Participants.Length} officer lists (PUT /api/enforcement/officers/{{d}})", async () =>
            {
                foreach (var department in Participants)
                {
                    await SendAsync(clients["admin"], HttpMethod.Put, $"api/enforcement/officers/{department}", OfficerList(department), cancellationToken);
                }
            });
            await stages.TimeAsync("create", async () =>
                await SendAsync(clients[Initiator], HttpMethod.Post, "api/enforcement/plans", Plan(planId), cancellationToken));
            await stages.TimeAsync($"confirm x{Participants.Length}", async () =>
            {
                foreach (var department in Participants)
                {
                    await SendAsync(clients[department], HttpMethod.Post, $"api/enforcement/plans/{planId}/confirm", new JsonObject(), cancellationToken);
                }
            });
            await stages.TimeAsync("approve (roster of targets and officers frozen)", async () =>
                await SendAsync(clients[Coordinator], HttpMethod.Post, $"api/enforcement/plans/{planId}/approve", new JsonObject(), cancellationToken));
            await stages.TimeAsync($"commit x{Participants.Length}", async () =>
            {
                foreach (var department in Participants)
                {
                    await SendAsync(clients[department], HttpMethod.Post, $"api/enforcement/plans/{planId}/draw/commitments",
                        new JsonObject { ["commitment"] = DrawCommitments.Commit(Nonce(planId, department)) }, cancellationToken);
                }
            });
            JsonElement drawn = default;
            await stages.TimeAsync($"reveal x{Participants.Length} (the last one draws)", async () =>
            {
                foreach (var department in Participants)
                {
                    drawn = await SendAsync(clients[department], HttpMethod.Post, $"api/enforcement/plans/{planId}/draw/reveals",
                        new JsonObject { ["nonce"] = Nonce(planId, department) }, cancellationToken);
                }
            });
            run.Log.WriteLine($"    stage after the last reveal: {drawn.GetProperty("stage").GetString()}");

            JsonElement[] tasks = [];
            await stages.TimeAsync("list tasks", async () =>
                tasks = (await SendAsync(clients[Lead], HttpMethod.Get, $"api/enforcement/plans/{planId}/tasks", null, cancellationToken))
                    .GetProperty("tasks").EnumerateArray().ToArray());
            run.Log.WriteLine($"    {tasks.Length} tasks (targets drawn)");
            await stages.TimeAsync($"{tasks.Length} task results, one at a time", async () =>
            {
                foreach (var task in tasks)
                {
                    var department = task.GetProperty("departments")[0].GetString()!;
                    await SendAsync(clients[department], HttpMethod.Post, $"api/enforcement/plans/{planId}/tasks/{task.GetProperty("taskId").GetString()}/result", new JsonObject
                    {
                        ["resultCode"] = "no-problem",
                        ["findings"] = new JsonArray(),
                        ["completedAt"] = ChinaNow().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                    }, cancellationToken);
                }
            });
            await stages.TimeAsync("publish", async () =>
            {
                var closed = await SendAsync(clients[Lead], HttpMethod.Post, $"api/enforcement/plans/{planId}/publish", new JsonObject(), cancellationToken);
                run.Log.WriteLine($"    stage after publishing: {closed.GetProperty("stage").GetString()}");
            });
            string orchestration = "unknown";
            await stages.TimeAsync("orchestration to completion after publishing", async () => orchestration = await OrchestrationEndAsync(app, planId, cancellationToken));
            run.Log.WriteLine($"    orchestration {planId}: {orchestration}");
        }
        catch (StageFailedException failure)
        {
            run.Log.WriteLine($"    FAILED: {failure.Message}");
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }

        run.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  total {total.Elapsed.TotalSeconds:F1} s; function app peak RSS {app.PeakResidentBytes() / (1024 * 1024)} MiB"));
    }

    private static DateTimeOffset ChinaNow() => TimeProvider.System.GetUtcNow().ToOffset(ChinaOffset);

    private static string Nonce(string planId, string department) => $"nonce-of-{department}-for-{planId}-0123456789abcdef";

    private static JsonObject TargetLibrary(int count) => new()
    {
        ["targets"] = new JsonArray(Enumerable.Range(1, count).Select(i => (JsonNode)new JsonObject
        {
            ["targetId"] = $"2026-371002-48-01-{i:D6}",
            ["name"] = $"威海市某住宅小区建设工程（第{i}标段）",
            ["creditCode"] = Owners[i % Owners.Length],
            ["region"] = "371002",
            ["industry"] = "housing-construction",
        }).ToArray()),
    };

    private static JsonObject OfficerList(string department) => new()
    {
        ["officers"] = new JsonArray(Enumerable.Range(1, OfficersPerDepartment).Select(i => (JsonNode)new JsonObject
        {
            ["officerId"] = $"{department}-{i:D2}",
            ["name"] = "王建国",
            ["credentialNo"] = $"鲁执{department}{i:D4}",
            ["active"] = true,
            ["recuse"] = new JsonArray(),
        }).ToArray()),
    };

    private static JsonObject Plan(string planId)
    {
        var today = DateOnly.FromDateTime(ChinaNow().DateTime);
        return new JsonObject
        {
            ["planId"] = planId,
            ["title"] = "房屋建筑工程招标投标联合双随机抽查（基准测试）",
            ["kind"] = "double-random",
            ["basis"] = "威海市招标投标监管协作机制：联合执法、联合检查",
            ["leadDepartment"] = Lead,
            ["participants"] = new JsonArray(Participants.Select(p => (JsonNode)p).ToArray()),
            ["matters"] = new JsonArray(new JsonObject { ["name"] = "招标文件合规性", ["basis"] = "招标投标法实施条例 第三十二条" }),
            ["scope"] = new JsonObject { ["regions"] = new JsonArray("371002"), ["industries"] = new JsonArray("housing-construction") },
            ["sampling"] = new JsonObject { ["strata"] = new JsonArray(new JsonObject { ["name"] = "all", ["ratioPercent"] = 100, ["minimum"] = 1 }) },
            ["officersPerTarget"] = 2,
            ["window"] = new JsonObject
            {
                ["from"] = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["to"] = today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
            ["publishWithinWorkingDays"] = 5,
        };
    }

    /// <summary>Sends one call; anything but a success is the stage's failure, with the app's problem in the message.</summary>
    private static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new StageFailedException($"{method} {path}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 2000)]}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> OrchestrationEndAsync(FunctionAppProcess app, string instanceId, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var status = "not found";
        while (watch.Elapsed < Patience)
        {
            using var response = await app.Client.GetAsync($"api/operations/orchestrations/{instanceId}", ct);
            if (response.IsSuccessStatusCode)
            {
                var detail = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                status = detail.GetProperty("status").GetString() ?? "?";
                if (status is "Completed" or "Failed" or "Terminated")
                {
                    var text = detail.GetRawText();
                    return $"{status}: {text[..Math.Min(text.Length, 600)]}";
                }
            }

            await Task.Delay(200, ct);
        }

        throw new StageFailedException($"the orchestration was still '{status}' after {Patience.TotalMinutes} minutes");
    }

    /// <summary>Prints each stage's wall time as it ends, or the failure that ended it.</summary>
    private sealed class Stages(TextWriter log)
    {
        public async Task TimeAsync(string name, Func<Task> stage)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                await stage();
            }
            catch (StageFailedException)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name,-60} failed after {watch.Elapsed.TotalSeconds,8:F2} s"));
                throw;
            }

            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name,-60} {watch.Elapsed.TotalSeconds,8:F2} s"));
        }
    }

    private sealed class StageFailedException(string message) : Exception(message);
}
