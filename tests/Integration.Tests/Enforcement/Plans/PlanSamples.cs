using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Tests.Support;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>Plans, rosters and nonces the plan tests share, and the standalone verification script.</summary>
public static class PlanSamples
{
    public static readonly string[] Participants = ["housing", "market", "transport"];

    public static readonly PlanRules Rules = new(ConsultationWorkingDays: 3, AssistanceWorkingDays: 3, CommitWorkingDays: 2, RevealWorkingDays: 2, Coordinator: "ndrc");

    public static readonly PlanCatalogue Catalogue = new(
        d => d is "ndrc" or "housing" or "market" or "transport" or "water" or "police",
        ["housing-construction", "transport", "water"],
        DefaultPublishWithinWorkingDays: 5);

    public static JsonObject Plan(string planId, string from = "2026-03-02", string to = "2026-03-31") => new()
    {
        ["planId"] = planId,
        ["title"] = "2026年第一季度房屋建筑工程招标投标联合双随机抽查",
        ["kind"] = "double-random",
        ["basis"] = "威海市招标投标监管协作机制 000 §(十五)：联合执法、联合检查",
        ["leadDepartment"] = "housing",
        ["participants"] = new JsonArray("housing", "market", "transport"),
        ["matters"] = new JsonArray(new JsonObject { ["name"] = "招标文件合规性", ["basis"] = "招标投标法实施条例 第三十二条" }),
        ["scope"] = new JsonObject { ["regions"] = new JsonArray("371002", "371003"), ["industries"] = new JsonArray("housing-construction") },
        ["sampling"] = new JsonObject { ["strata"] = new JsonArray(new JsonObject { ["name"] = "all", ["ratioPercent"] = 50, ["minimum"] = 1 }) },
        ["officersPerTarget"] = 2,
        ["window"] = new JsonObject { ["from"] = from, ["to"] = to },
        ["publishWithinWorkingDays"] = 5,
    };

    public static JsonElement Json(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();

    public static JsonElement Body(string name, string value) => Json(new JsonObject { [name] = value });

    /// <summary>A nonce per participant, long enough for DRAW-v1, different for every plan.</summary>
    public static string Nonce(string planId, string department) => $"nonce-of-{department}-for-{planId}-0123456789abcdef";

    /// <summary>Four targets owned by two companies, two officers in each of the three participants; one housing officer recuses company B.</summary>
    public static DrawRoster Roster(int officersPerDepartment = 2)
    {
        var targets = new[]
        {
            new DrawTarget("2026-371002-48-01-000101", "all", "914403001922038216"),
            new DrawTarget("2026-371002-48-01-000102", "all", "9144030071526726XG"),
            new DrawTarget("2026-371003-48-01-000103", "all", "914403001922038216"),
            new DrawTarget("2026-371003-48-01-000104", "all", "9144030071526726XG"),
        };
        var officers = Participants.SelectMany(d => Enumerable.Range(1, officersPerDepartment).Select(i =>
            new DrawOfficer(d, $"{d}-{i:D2}", d == "housing" && i == 1 ? ["9144030071526726XG"] : []))).ToArray();
        var (roster, problem) = DrawRoster.Create(targets, officers);
        return roster ?? throw new InvalidOperationException(problem);
    }

    public static string? FindPython() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "python3"))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs docs/verify_draw.py on a draw record's JSON; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) VerifyWithScript(string python, string recordJson)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plan-draw-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, recordJson);
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "docs", "verify_draw.py"));
            start.ArgumentList.Add(file);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "verify_draw.py did not finish within 30 s.");
            Assert.True(error.Length == 0, error);
            return (process.ExitCode, output.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
