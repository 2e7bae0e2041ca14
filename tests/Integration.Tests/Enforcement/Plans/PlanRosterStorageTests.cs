using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Storage;
using Integration.Functions.Enforcement;
using Integration.Functions.Enforcement.Rosters;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Enforcement.Plans.PlanSamples;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>
/// The frozen roster kept apart from the plan's record (embedded store): written once per content, read back only
/// when it matches its key, and plans whose record still holds the roster inline keep working.
/// </summary>
[Trait("lane", "integration")]
public sealed class PlanRosterStorageTests(PlanRosterStorageTests.Platform platform) : IClassFixture<PlanRosterStorageTests.Platform>
{
    public sealed class Platform : PlanPlatform;

    private static CancellationToken Cancellation => PlanPlatform.Cancellation;

    [Fact]
    public async Task A_roster_is_stored_once_per_content_and_read_back_only_when_it_matches_its_key()
    {
        var store = platform.Services.GetRequiredService<ITableStore>();
        var rosters = new FrozenRosters(store);
        var roster = Roster();
        var key = await rosters.SaveAsync(roster, Cancellation);
        var rows = await RowsAsync(store, key);
        Assert.Equal(key, await new FrozenRosters(store).SaveAsync(roster, Cancellation));
        Assert.Equal(rows, await RowsAsync(store, key));

        // The same ids with one more recusal hash alike under DRAW-v1, but are another roster, under another key.
        var recusing = roster with { Officers = [.. roster.Officers.Select((o, i) => i == 1 ? o with { Recuse = [PlanPlatform.OwnerA] } : o)] };
        Assert.Equal(roster.Hash(), recusing.Hash());
        var otherKey = await rosters.SaveAsync(recusing, Cancellation);
        Assert.NotEqual(key, otherKey);
        Assert.Equal([PlanPlatform.OwnerA], (await new FrozenRosters(store).LoadAsync(otherKey, Cancellation)).Officers[1].Recuse);
        Assert.Empty((await new FrozenRosters(store).LoadAsync(key, Cancellation)).Officers[1].Recuse);

        // A changed chunk no longer matches its key; a key never stored is missing, not an empty roster.
        var chunk = (await store.QueryAsync(RosterSnapshots.Table, TableQuery.RowKeyPrefix(FrozenRosters.Partition(otherKey), "c|", 10), null, Cancellation)).Entities[0];
        var properties = new Dictionary<string, object?>();
        LongText.Put(properties, "Data", LongText.Get(chunk, "Data")!.Replace(PlanPlatform.OwnerA, PlanPlatform.OwnerB, StringComparison.Ordinal));
        await store.UpsertAsync(RosterSnapshots.Table, new TableEntity(chunk.PartitionKey, chunk.RowKey, properties), Cancellation);
        var tampered = await Assert.ThrowsAsync<InvalidOperationException>(() => new FrozenRosters(store).LoadAsync(otherKey, Cancellation));
        Assert.Contains("does not match its key", tampered.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => new FrozenRosters(store).LoadAsync(new string('0', 64), Cancellation));
    }

    [Fact]
    public async Task An_approved_plan_keeps_only_the_key_and_the_counts_and_rows_written_without_a_commit_are_harmless()
    {
        platform.SetTime(PlanPlatform.Start);
        await platform.SeedLibrariesAsync();
        var store = platform.Services.GetRequiredService<ITableStore>();

        // Rows of the very roster the approval will freeze, written as if the approval had crashed before its commit.
        var frozen = await platform.Services.GetRequiredService<EnforcementRosters>().FreezeAsync(["371002", "371003"], ["housing-construction"], Participants, Cancellation);
        var key = await new FrozenRosters(store).SaveAsync(frozen, Cancellation);
        var rows = await RowsAsync(store, key);

        var approved = await platform.ApprovedAsync("store-approved");
        Assert.Equal((4, 6), (approved.GetProperty("draw").GetProperty("targets").GetInt32(), approved.GetProperty("draw").GetProperty("officers").GetInt32()));
        var stored = await StoredAsync(store, "store-approved");
        Assert.Equal((key, 4, 6), (stored.Draw!.RosterKey, stored.Draw.TargetCount, stored.Draw.OfficerCount));
        Assert.Null(stored.Draw.Roster);
        Assert.Equal(rows, await RowsAsync(store, key));

        var draw = await platform.GetAsync("market", "/api/enforcement/plans/store-approved/draw");
        Assert.Equal(4, draw.GetProperty("roster").GetProperty("targets").GetArrayLength());
        Assert.Equal(frozen.Hash(), draw.GetProperty("rosterHash").GetString());
    }

    [Fact]
    public async Task A_plan_whose_record_holds_its_roster_inline_still_reads_verifies_and_redraws()
    {
        platform.SetTime(PlanPlatform.Start);
        const string planId = "store-inline";

        // A record as plans were stored before their rosters were kept apart: the roster in the draw and in its record.
        var inspecting = PlanMachineTests.Inspecting(planId);
        Assert.Null(inspecting.Draw!.RosterKey);
        var records = platform.Services.GetRequiredService<RecordStore>();
        await records.CreateAsync(PlanService.Key(planId), new Change<PlanState> { State = inspecting, Action = "plan.drawn", Principal = "transport" }, Cancellation);

        var plan = await platform.PlanAsync(planId);
        Assert.Equal((4, 6), (plan.GetProperty("draw").GetProperty("targets").GetInt32(), plan.GetProperty("draw").GetProperty("officers").GetInt32()));
        var record = await platform.GetAsync("market", $"/api/enforcement/plans/{planId}/draw");
        Assert.Equal(4, record.GetProperty("roster").GetProperty("targets").GetArrayLength());
        Assert.True((await platform.GetAsync("market", $"/api/enforcement/plans/{planId}/draw/verify")).GetProperty("valid").GetBoolean());

        var task = inspecting.Tasks[0];
        await platform.PostAsync(task.Officers[0].Department, $"/api/enforcement/plans/{planId}/tasks/{task.TaskId}/recusals",
            new JsonObject { ["officerId"] = task.Officers[0].OfficerId, ["reason"] = "该执法人员与被检查单位负责人系近亲属" });
        var after = await StoredAsync(platform.Services.GetRequiredService<ITableStore>(), planId);
        Assert.Null(after.Draw!.RosterKey);
        Assert.Equal(inspecting.Draw.Roster!.Hash(), after.Draw.Roster!.Hash());
        Assert.Single(after.Draw.Record!.Redraws);
        Assert.True((await platform.GetAsync("market", $"/api/enforcement/plans/{planId}/draw/verify")).GetProperty("valid").GetBoolean());

        using var anonymous = platform.CreateClient();
        var published = await (await anonymous.GetAsync($"/api/public/enforcement/{planId}", Cancellation)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(4, published.GetProperty("draw").GetProperty("roster").GetProperty("targets").GetArrayLength());
    }

    private static async Task<PlanState> StoredAsync(ITableStore store, string planId)
    {
        var row = await store.GetAsync(RecordStore.Table, PlanService.Key(planId).PartitionKey, "state", Cancellation);
        return JsonSerializer.Deserialize<PlanState>(LongText.Get(row!, "State")!, RecordJson.Options)!;
    }

    private static async Task<string[]> RowsAsync(ITableStore store, string key)
    {
        var page = await store.QueryAsync(RosterSnapshots.Table, new TableQuery { PartitionKey = FrozenRosters.Partition(key), PageSize = 100 }, null, Cancellation);
        return page.Entities.Select(e => e.RowKey + "=" + (LongText.Get(e, "Data") ?? e.GetInt64("Chunks")?.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
    }
}
