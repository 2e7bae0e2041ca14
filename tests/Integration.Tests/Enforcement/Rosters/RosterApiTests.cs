using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Identifiers;
using Integration.Domain.Storage;
using Integration.Functions.Enforcement.Rosters;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Enforcement.Rosters;

/// <summary>The officer and target endpoints on the real app: validation, who may do what, and whole-list replacement.</summary>
[Trait("lane", "integration")]
public sealed class RosterApiTests(RosterApiTests.Platform platform) : IClassFixture<RosterApiTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    internal static readonly string OwnerA = CreditCode.Complete("91371002MA3C4L7R2");
    internal static readonly string OwnerB = CreditCode.Complete("91371000MA3D5K8P1");

    internal static JsonObject Officer(string id, string name = "王建国", bool active = true, params string[] recuse) => new()
    {
        ["officerId"] = id,
        ["name"] = name,
        ["credentialNo"] = "鲁执" + id.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "0001",
        ["active"] = active,
        ["recuse"] = new JsonArray(recuse.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
    };

    internal static JsonObject Officers(params JsonObject[] officers) => new() { ["officers"] = new JsonArray(officers) };

    private Task<HttpResponseMessage> PutOfficersAsync(string caller, string department, JsonNode body) =>
        platform.ClientFor(caller).PutAsJsonAsync($"/api/enforcement/officers/{department}", body, Cancellation);

    private async Task<string[]> StoredIdsAsync(string department)
    {
        var list = await (await platform.ClientFor("admin").GetAsync($"/api/enforcement/officers/{department}", Cancellation)).ReadJsonAsync();
        return list.GetProperty("officers").EnumerateArray().Select(o => o.GetProperty("officerId").GetString()!).ToArray();
    }

    [Fact]
    public async Task Every_invalid_field_is_listed_and_nothing_is_stored()
    {
        await (await PutOfficersAsync("forestry", "forestry", Officers(Officer("forestry-1")))).ReadJsonAsync();
        var bad = Officers(
            Officer("bad id/1"),
            new JsonObject { ["officerId"] = "forestry-2", ["credentialNo"] = "鲁执\n0002", ["active"] = "yes", ["recuse"] = new JsonArray("91371002MA3C4L7R2I", "not-a-code") },
            Officer("forestry-3", name: "\u202E李四", active: true, OwnerA, OwnerA),
            Officer("forestry-3"));
        bad["officers"]!.AsArray().Add(42);

        var problem = await (await PutOfficersAsync("forestry", "forestry", bad)).ReadProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(
            [
                "officers[0].officerId", "officers[1].active", "officers[1].credentialNo", "officers[1].name", "officers[1].recuse[0]",
                "officers[1].recuse[1]", "officers[2].name", "officers[2].recuse[1]", "officers[3].officerId", "officers[4]",
            ],
            problem.ErrorFields());
        Assert.Equal(["forestry-1"], await StoredIdsAsync("forestry"));

        var missing = await (await PutOfficersAsync("forestry", "forestry", new JsonObject())).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["officers"], missing.ErrorFields());
    }

    [Fact]
    public async Task A_department_or_the_operator_replaces_a_list_and_the_department_ndrc_and_the_operator_read_it()
    {
        var list = Officers(Officer("sports-1"));
        await (await PutOfficersAsync("housing", "sports", list)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await PutOfficersAsync("ndrc", "sports", list)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await PutOfficersAsync("trading-center", "sports", list)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await PutOfficersAsync("admin", "sports", list)).ReadJsonAsync();
        await (await PutOfficersAsync("sports", "sports", list)).ReadJsonAsync();
        await (await PutOfficersAsync("admin", "no-such-department", list)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await PutOfficersAsync("admin", "approval-system", list)).ReadProblemAsync(HttpStatusCode.NotFound);

        foreach (var reader in new[] { "sports", "ndrc", "admin" })
        {
            var read = await (await platform.ClientFor(reader).GetAsync("/api/enforcement/officers/sports", Cancellation)).ReadJsonAsync();
            Assert.Equal("sports", read.GetProperty("department").GetString());
            Assert.Equal("sports", read.GetProperty("updatedBy").GetString());
            Assert.Equal("sports-1", read.GetProperty("officers")[0].GetProperty("officerId").GetString());
        }

        foreach (var stranger in new[] { "housing", "trading-center", "approval-system" })
        {
            await (await platform.ClientFor(stranger).GetAsync("/api/enforcement/officers/sports", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        }

        var targets = new JsonObject { ["targets"] = new JsonArray() };
        await (await platform.ClientFor("housing").PutAsJsonAsync("/api/enforcement/targets", targets, Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.ClientFor("trading-center").GetAsync("/api/enforcement/targets", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_put_replaces_the_whole_list_and_an_empty_list_clears_it()
    {
        await (await PutOfficersAsync("audit", "audit", Officers(Officer("audit-1"), Officer("audit-2"), Officer("audit-3")))).ReadJsonAsync();
        var replaced = await (await PutOfficersAsync("audit", "audit", Officers(Officer("audit-4", name: "李海燕", active: false, OwnerA)))).ReadJsonAsync();

        var only = Assert.Single(replaced.GetProperty("officers").EnumerateArray());
        Assert.Equal("audit-4", only.GetProperty("officerId").GetString());
        Assert.Equal("李海燕", only.GetProperty("name").GetString());
        Assert.False(only.GetProperty("active").GetBoolean());
        Assert.Equal([OwnerA], only.GetProperty("recuse").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["audit-4"], await StoredIdsAsync("audit"));

        await (await PutOfficersAsync("audit", "audit", Officers())).ReadJsonAsync();
        Assert.Empty(await StoredIdsAsync("audit"));
    }

    [Fact]
    public async Task A_list_larger_than_an_entity_or_a_batch_is_stored_whole_and_leaves_no_chunks_of_earlier_lists()
    {
        // 5,000 officers with 30 recusals each: about 3.6 MB of JSON, several chunk rows as stored.
        var recuse = Enumerable.Range(0, 30).Select(i => CreditCode.Complete($"91371000MA3D{i:D5}")).ToArray();
        var big = Officers(Enumerable.Range(0, RosterInputs.MaxOfficers).Select(i => Officer($"finance-{i:D5}", "赵振华", i % 2 == 0, recuse)).ToArray());
        using var content = JsonContent.Create(big);
        await content.LoadIntoBufferAsync(Cancellation);
        Assert.InRange(content.Headers.ContentLength ?? 0, 1_000_000, 4 * 1024 * 1024);

        await (await platform.ClientFor("finance").PutAsync("/api/enforcement/officers/finance", content, Cancellation)).ReadJsonAsync();
        await (await PutOfficersAsync("finance", "finance", big)).ReadJsonAsync();

        var rosters = platform.Services.GetRequiredService<EnforcementRosters>();
        var stored = await rosters.OfficersAsync("finance", Cancellation);
        Assert.Equal(RosterInputs.MaxOfficers, stored.Count);
        Assert.Equal("finance-04999", stored[^1].OfficerId);
        Assert.Equal(recuse, stored[^1].Recuse);

        var rows = await ChunkRowsAsync("officers|finance");
        Assert.True(rows.Count > 1, $"expected several chunk rows, found {rows.Count}");
        Assert.Single(rows.Select(r => r.Split('|')[1]).Distinct());
    }

    [Fact]
    public async Task An_officer_id_another_department_lists_is_refused()
    {
        await (await PutOfficersAsync("ecology", "ecology", Officers(Officer("shared-7")))).ReadJsonAsync();

        var problem = await (await PutOfficersAsync("ocean", "ocean", Officers(Officer("ocean-1"), Officer("shared-7")))).ReadProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["officers[1].officerId"], problem.ErrorFields());
        Assert.Contains("ecology", problem.GetProperty("errors").GetProperty("officers[1].officerId")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await StoredIdsAsync("ocean"));

        // Once ecology lets the officer go, ocean may list the id.
        await (await PutOfficersAsync("ecology", "ecology", Officers())).ReadJsonAsync();
        await (await PutOfficersAsync("ocean", "ocean", Officers(Officer("shared-7")))).ReadJsonAsync();
    }

    [Fact]
    public async Task Imported_targets_are_validated_field_by_field_and_replaced_whole()
    {
        var ndrc = platform.ClientFor("ndrc");
        var bad = new JsonObject
        {
            ["targets"] = new JsonArray(
                new JsonObject { ["targetId"] = "T 1", ["name"] = "甲", ["creditCode"] = "123", ["region"] = "99", ["industry"] = "mining", ["stratum"] = "high risk" },
                new JsonObject { ["targetId"] = "T-2" }),
        };
        var problem = await (await ndrc.PutAsJsonAsync("/api/enforcement/targets", bad, Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            [
                "targets[0].creditCode", "targets[0].industry", "targets[0].region", "targets[0].stratum", "targets[0].targetId",
                "targets[1].creditCode", "targets[1].industry", "targets[1].name", "targets[1].region",
            ],
            problem.ErrorFields());

        var first = new JsonObject { ["targets"] = new JsonArray(Target("IMP-1", "high"), Target("IMP-2", null)) };
        await (await ndrc.PutAsJsonAsync("/api/enforcement/targets", first, Cancellation)).ReadJsonAsync();
        var second = new JsonObject { ["targets"] = new JsonArray(Target("IMP-3", "low")) };
        var stored = await (await platform.ClientFor("admin").PutAsJsonAsync("/api/enforcement/targets", second, Cancellation)).ReadJsonAsync();
        Assert.Equal("admin", stored.GetProperty("updatedBy").GetString());

        var read = await (await ndrc.GetAsync("/api/enforcement/targets", Cancellation)).ReadJsonAsync();
        var target = Assert.Single(read.GetProperty("targets").EnumerateArray());
        Assert.Equal("IMP-3", target.GetProperty("targetId").GetString());
        Assert.Equal("low", target.GetProperty("stratum").GetString());
    }

    internal static JsonObject Target(string id, string? stratum, string region = "371002", string industry = "transport", string? owner = null)
    {
        var target = new JsonObject
        {
            ["targetId"] = id,
            ["name"] = "威海市某港口码头改建工程",
            ["creditCode"] = owner ?? OwnerB,
            ["region"] = region,
            ["industry"] = industry,
        };
        if (stratum is not null)
        {
            target["stratum"] = stratum;
        }

        return target;
    }

    private async Task<List<string>> ChunkRowsAsync(string partition)
    {
        var store = platform.Services.GetRequiredService<ITableStore>();
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(RosterSnapshots.Table, TableQuery.RowKeyPrefix(partition, "g|", 100), token, Cancellation);
            keys.AddRange(page.Entities.Select(e => e.RowKey));
            token = page.ContinuationToken;
        }
        while (token is not null);

        return keys;
    }
}
