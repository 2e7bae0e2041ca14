using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Functions.Enforcement.Rosters;
using Integration.Tests.Approvals;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Enforcement.Rosters;

/// <summary>
/// The roster a plan freezes: targets from the approvals (one per project) and the import, in scope, in targetId order,
/// with strata; the active officers of the participants in department, then officerId order; and its DRAW-v1 hash.
/// </summary>
[Trait("lane", "integration")]
public sealed class RosterFreezeTests : IDisposable
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly PlatformFactory platform = new();

    public void Dispose() => platform.Dispose();

    [Fact]
    public async Task The_frozen_roster_is_the_library_in_scope_in_canonical_order_and_its_hash_is_stable()
    {
        // Two approvals of one project are one target, described by the later one; a third project is in another industry.
        var first = ApprovalData.Valid("FRZ-A1").With("projectCode", "2026-371002-48-01-000300").With("projectName", "旧名称");
        var second = ApprovalData.Valid("FRZ-A2").With("projectCode", "2026-371002-48-01-000300").With("projectName", "海滨路排水管网改造工程");
        var water = ApprovalData.Valid("FRZ-A3", industry: "water").With("projectCode", "2026-371082-48-01-000200").With("regionCode", "371082");
        foreach (var approval in new[] { first, second, water })
        {
            var response = await platform.PushAsync(approval);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancellation));
        }

        // The import adds targets and restates the water project with a stratum: the import wins.
        var imported = new JsonObject
        {
            ["targets"] = new JsonArray(
                RosterApiTests.Target("2026-371082-48-01-000200", "high", region: "371082", industry: "water"),
                RosterApiTests.Target("IMP-HOUSING", "low", industry: "housing-construction"),
                RosterApiTests.Target("IMP-ELSEWHERE", "high", region: "371083", industry: "housing-construction")),
        };
        await (await platform.ClientFor("ndrc").PutAsJsonAsync("/api/enforcement/targets", imported, Cancellation)).ReadJsonAsync();

        await PutOfficersAsync("water", RosterApiTests.Officer("w-2"), RosterApiTests.Officer("w-1", recuse: RosterApiTests.OwnerA), RosterApiTests.Officer("w-0", active: false));
        await PutOfficersAsync("housing", RosterApiTests.Officer("h-9"), RosterApiTests.Officer("h-10"));
        await PutOfficersAsync("transport", RosterApiTests.Officer("t-1"));

        var rosters = platform.Services.GetRequiredService<EnforcementRosters>();
        var roster = await rosters.FreezeAsync(["371002", "371082"], ["housing-construction", "water"], ["water", "housing"], Cancellation);

        Assert.Equal(
            [
                ("2026-371002-48-01-000300", "all", RosterApiTests.OwnerA),
                ("2026-371082-48-01-000200", "high", RosterApiTests.OwnerB),
                ("IMP-HOUSING", "low", RosterApiTests.OwnerB),
            ],
            roster.Targets.Select(t => (t.TargetId, t.Stratum, t.CreditCode)));
        Assert.Equal([("housing", "h-10"), ("housing", "h-9"), ("water", "w-1"), ("water", "w-2")], roster.Officers.Select(o => (o.Department, o.OfficerId)));
        Assert.Equal([RosterApiTests.OwnerA], roster.Officers.Single(o => o.OfficerId == "w-1").Recuse);

        // The hash is DRAW-v1's, computed here from the text the specification spells out.
        const string text = "T\t2026-371002-48-01-000300\tall\nT\t2026-371082-48-01-000200\thigh\nT\tIMP-HOUSING\tlow\n"
            + "O\thousing\th-10\nO\thousing\th-9\nO\twater\tw-1\nO\twater\tw-2\n";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(expected, roster.Hash());

        // Participants in another order, and a second freeze of the same library, give the same roster.
        var again = await rosters.FreezeAsync(["371082", "371002"], ["water", "housing-construction"], ["housing", "water", "housing"], Cancellation);
        Assert.Equal(expected, again.Hash());

        // Empty scope lists mean any region and any industry.
        var everything = await rosters.FreezeAsync([], [], ["transport"], Cancellation);
        Assert.Equal(["2026-371002-48-01-000300", "2026-371082-48-01-000200", "IMP-ELSEWHERE", "IMP-HOUSING"], everything.Targets.Select(t => t.TargetId));
        Assert.Equal(["t-1"], everything.Officers.Select(o => o.OfficerId));

        // The frozen roster draws as DRAW-v1 expects.
        var nonce = new string('n', 40);
        var outcome = DrawEngine.Draw("WH-2026-JE-ROSTER", roster, new DrawSampling([new SamplingStratum("all", 100m, 1), new SamplingStratum("high", 100m, 1), new SamplingStratum("low", 100m, 1)], 2),
            new Dictionary<string, string> { ["water"] = DrawCommitments.Commit(nonce) }, new Dictionary<string, string> { ["water"] = nonce });
        var completed = Assert.IsType<DrawCompleted>(outcome);
        Assert.Equal(3, completed.Record.Selected.Count);
        Assert.DoesNotContain("w-1", completed.Record.Selected.Single(s => s.TargetId == "2026-371002-48-01-000300").Officers);
    }

    [Fact]
    public async Task Development_seeds_every_department_that_never_stored_a_list_and_leaves_the_others()
    {
        await PutOfficersAsync("housing", RosterApiTests.Officer("h-own"));
        var seeding = ActivatorUtilities.CreateInstance<DevelopmentOfficers>(platform.Services);
        var rosters = platform.Services.GetRequiredService<EnforcementRosters>();

        await seeding.SeedAsync(Cancellation);
        await PutOfficersAsync("water");
        await seeding.SeedAsync(Cancellation);

        Assert.Equal(["h-own"], (await rosters.OfficersAsync("housing", Cancellation)).Select(o => o.OfficerId));
        Assert.Empty(await rosters.OfficersAsync("water", Cancellation));
        var transport = await rosters.OfficersAsync("transport", Cancellation);
        Assert.Equal(["transport-001", "transport-002", "transport-003"], transport.Select(o => o.OfficerId));
        Assert.Equal([true, true, false], transport.Select(o => o.Active));
        Assert.All(transport, o => Assert.True(o.Name.Length >= 2 && o.Name.All(c => c >= '\u4e00')));
        Assert.Equal(3, (await rosters.OfficersAsync("ndrc", Cancellation)).Count);

        var all = await rosters.FreezeAsync([], [], platform.Services.GetRequiredService<Integration.Domain.Identity.PrincipalRegistry>().All.Select(p => p.Id).ToArray(), Cancellation);
        Assert.Equal(all.Officers.Count, all.Officers.Select(o => o.OfficerId).Distinct().Count());
    }

    private async Task PutOfficersAsync(string department, params JsonObject[] officers) =>
        await (await platform.ClientFor(department).PutAsJsonAsync($"/api/enforcement/officers/{department}", RosterApiTests.Officers(officers), Cancellation)).ReadJsonAsync();
}
