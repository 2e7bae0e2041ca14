using System.Net;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Durable;

[Trait("lane", "integration")]
public sealed class AuditApiTests(AuditApiTests.Platform platform) : IClassFixture<AuditApiTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_history_lists_when_who_and_what_with_chained_hashes()
    {
        var key = await CreateWithHistoryAsync();
        var body = await (await platform.ClientFor("ndrc").GetAsync($"/api/audit/test/{key.Id}", Ct)).ReadJsonAsync();

        var entries = body.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(["test.created", "test.claimed", "test.noted"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["ndrc", "housing", "housing"], entries.Select(e => e.GetProperty("principal").GetString()));
        Assert.Equal(entries[0].GetProperty("hash").GetString(), entries[1].GetProperty("previousHash").GetString());
        Assert.Equal(2, entries[1].GetProperty("data").GetProperty("details").GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task An_untouched_history_verifies()
    {
        var key = await CreateWithHistoryAsync();
        var body = await (await platform.ClientFor("admin").GetAsync($"/api/audit/test/{key.Id}/verify", Ct)).ReadJsonAsync();
        Assert.True(body.GetProperty("valid").GetBoolean());
        Assert.Equal(3, body.GetProperty("entries").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("brokenAt").ValueKind);
    }

    [Fact]
    public async Task An_entry_edited_in_the_database_breaks_verification_at_that_entry()
    {
        var key = await CreateWithHistoryAsync();
        var database = platform.Services.GetRequiredService<SqliteDatabase>();
        var changed = await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE entities SET properties_json = replace(properties_json, 'housing', 'market') WHERE pk = $pk AND rk = 'h0000000002'";
            command.Parameters.AddWithValue("$pk", key.PartitionKey);
            return await command.ExecuteNonQueryAsync(Ct);
        }, Ct);
        Assert.Equal(1, changed);

        var body = await (await platform.ClientFor("admin").GetAsync($"/api/audit/test/{key.Id}/verify", Ct)).ReadJsonAsync();
        Assert.False(body.GetProperty("valid").GetBoolean());
        Assert.Equal(2, body.GetProperty("brokenAt").GetInt64());
    }

    [Fact]
    public async Task Only_coordinators_and_admins_read_audit_trails()
    {
        var key = await CreateWithHistoryAsync();
        await (await platform.ClientFor("housing").GetAsync($"/api/audit/test/{key.Id}", Ct)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.CreateClient().GetAsync($"/api/audit/test/{key.Id}", Ct)).ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unknown_record_is_a_404_problem() =>
        await (await platform.ClientFor("admin").GetAsync("/api/audit/test/nothing/verify", Ct)).ReadProblemAsync(HttpStatusCode.NotFound);

    private async Task<RecordKey> CreateWithHistoryAsync()
    {
        var records = platform.Services.GetRequiredService<RecordStore>();
        var key = new RecordKey("test", Guid.NewGuid().ToString("N"));
        await records.CreateAsync(key, TestTopics.Step(new Counter(1, ""), "test.created"), Ct);
        await records.UpdateAsync<Counter>(key, r => TestTopics.Step(r.State with { Value = 2 }, "test.claimed", "housing"), Ct);
        await records.UpdateAsync<Counter>(key, r => TestTopics.Step(r.State with { Note = "checked" }, "test.noted", "housing"), Ct);
        return key;
    }
}
