using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Storage;
using Integration.Functions.Enforcement;
using Integration.Functions.Enforcement.Rosters;
using Integration.Functions.Platform.Records;
using Integration.Tests.Infrastructure;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Enforcement.Plans.PlanSamples;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>
/// A plan over 20,000 targets on Azure Table storage (Azurite): the roster is kept apart from the plan's record, whose
/// entity could not hold it (1 MiB), and the draw, its verification and the public record show it all the same.
/// </summary>
[Trait("lane", "integration")]
[Collection(nameof(AzuriteCollection))]
public sealed class PlanLargeRosterTests : IDisposable
{
    public const int Targets = 20_000;

    /// <summary>The plan's stored state with 50 tasks; the roster inline would be well over a megabyte (twice: draw and record).</summary>
    public const int MaxStateCharacters = 64 * 1024;

    private readonly PlanPlatform platform;

    public PlanLargeRosterTests(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        platform = new PlanPlatform();
        platform.With("Storage:Provider", "AzureTables").With("Storage:ConnectionString", azurite.ConnectionString);
    }

    [Fact]
    public async Task A_plan_over_twenty_thousand_targets_is_approved_drawn_and_verified_with_a_small_record()
    {
        platform.SetTime(PlanPlatform.Start);
        var planId = "big-" + Guid.NewGuid().ToString("N")[..8];
        await platform.SeedLibrariesAsync();
        var targets = new JsonArray(Enumerable.Range(1, Targets).Select(i => (JsonNode)new JsonObject
        {
            ["targetId"] = $"2026-371002-48-01-{i.ToString("D6", CultureInfo.InvariantCulture)}",
            ["name"] = "威海市某住宅小区建设工程",
            ["creditCode"] = i % 2 == 0 ? PlanPlatform.OwnerA : PlanPlatform.OwnerB,
            ["region"] = "371002",
            ["industry"] = "housing-construction",
        }).ToArray());
        (await platform.ClientFor("admin").PutAsJsonAsync("/api/enforcement/targets", new JsonObject { ["targets"] = targets }, PlanPlatform.Cancellation)).EnsureSuccessStatusCode();

        var plan = Plan(planId);
        plan["sampling"]!["strata"]![0]!["ratioPercent"] = 0.25m;
        var drawn = await platform.DrawnAsync(planId, plan);
        Assert.Equal("inspecting", drawn.GetProperty("stage").GetString());
        Assert.Equal((Targets, 6), (drawn.GetProperty("draw").GetProperty("targets").GetInt32(), drawn.GetProperty("draw").GetProperty("officers").GetInt32()));
        var rosterHash = drawn.GetProperty("draw").GetProperty("rosterHash").GetString()!;

        // What the plan's record holds: the key and the counts, no roster, and an empty roster in the draw record.
        var store = platform.Services.GetRequiredService<ITableStore>();
        var row = await store.GetAsync(RecordStore.Table, PlanService.Key(planId).PartitionKey, "state", PlanPlatform.Cancellation);
        var json = LongText.Get(row!, "State")!;
        Assert.True(json.Length < MaxStateCharacters, $"The stored plan state is {json.Length} characters.");
        TestContext.Current.TestOutputHelper?.WriteLine($"Stored plan state after the draw: {json.Length} characters; 50 tasks of {Targets} targets.");
        var stored = JsonSerializer.Deserialize<PlanState>(json, RecordJson.Options)!;
        Assert.Null(stored.Draw!.Roster);
        Assert.Empty(stored.Draw.Record!.Roster.Targets);
        Assert.Equal(50, stored.Tasks.Count);

        // The roster as kept: read back by another reader, from the rows alone.
        var kept = await new FrozenRosters(store).LoadAsync(stored.Draw.RosterKey!, PlanPlatform.Cancellation);
        Assert.Equal((Targets, rosterHash), (kept.Targets.Count, kept.Hash()));

        var record = await platform.GetAsync("market", $"/api/enforcement/plans/{planId}/draw");
        Assert.Equal(Targets, record.GetProperty("roster").GetProperty("targets").GetArrayLength());
        Assert.Equal(rosterHash, record.GetProperty("rosterHash").GetString());
        Assert.Equal(50, record.GetProperty("selected").GetArrayLength());
        Assert.True((await platform.GetAsync("market", $"/api/enforcement/plans/{planId}/draw/verify")).GetProperty("valid").GetBoolean());

        // A re-draw needs the roster's officers: the service loads it for the machine, and the record stays small.
        var task = (await platform.GetAsync("ndrc", $"/api/enforcement/plans/{planId}/tasks")).GetProperty("tasks")[0];
        var officer = task.GetProperty("officers")[0];
        await platform.PostAsync(officer.GetProperty("department").GetString()!, $"/api/enforcement/plans/{planId}/tasks/{task.GetProperty("taskId").GetString()}/recusals",
            new JsonObject { ["officerId"] = officer.GetProperty("officerId").GetString(), ["reason"] = "该执法人员与被检查单位负责人系近亲属" });
        row = await store.GetAsync(RecordStore.Table, PlanService.Key(planId).PartitionKey, "state", PlanPlatform.Cancellation);
        Assert.True(LongText.Get(row!, "State")!.Length < MaxStateCharacters);
        Assert.True((await platform.GetAsync("market", $"/api/enforcement/plans/{planId}/draw/verify")).GetProperty("valid").GetBoolean());

        using var anonymous = platform.CreateClient();
        var published = await (await anonymous.GetAsync($"/api/public/enforcement/{planId}", PlanPlatform.Cancellation)).ReadJsonAsync();
        Assert.Equal(Targets, published.GetProperty("draw").GetProperty("roster").GetProperty("targets").GetArrayLength());
        Assert.Equal(1, published.GetProperty("draw").GetProperty("redraws").GetArrayLength());

        var python = FindPython();
        Assert.SkipWhen(python is null, "python3 is not on PATH, so the standalone verification script cannot be run here.");
        Assert.Equal((0, "valid"), VerifyWithScript(python!, published.GetProperty("draw").GetRawText()));
    }

    public void Dispose() => platform.Dispose();
}
