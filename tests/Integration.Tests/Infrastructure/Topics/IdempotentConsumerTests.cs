using Integration.Functions.Infrastructure.Topics;
using Microsoft.Data.Sqlite;
using Xunit;
using static Integration.Tests.Infrastructure.Topics.TestBus;

namespace Integration.Tests.Infrastructure.Topics;

public sealed class IdempotentConsumerTests
{
    private static readonly TopicTopology Topology = new();

    [Fact]
    public async Task The_work_runs_once_per_message_and_subscription()
    {
        await using var bus = await CreateTestBusWithEffectsAsync();

        Assert.True(await RecordEffectAsync(bus, "housing", "m1"));
        Assert.False(await RecordEffectAsync(bus, "housing", "m1"));
        Assert.True(await RecordEffectAsync(bus, "audit", "m1"));

        Assert.Equal(2, await CountEffectsAsync(bus));
    }

    [Fact]
    public async Task Failed_work_leaves_no_mark_so_the_redelivery_runs_it()
    {
        await using var bus = await CreateTestBusWithEffectsAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => bus.Processed.RunOnceAsync("cases", "housing", "m1", async (connection, transaction, token) =>
        {
            await InsertEffectAsync(connection, transaction, "m1", token);
            throw new InvalidOperationException("the handler failed after writing");
        }, Cancellation));

        Assert.Equal(0, await CountEffectsAsync(bus));
        Assert.True(await RecordEffectAsync(bus, "housing", "m1"));
        Assert.Equal(1, await CountEffectsAsync(bus));
    }

    [Fact]
    public async Task Old_marks_can_be_forgotten()
    {
        await using var bus = await CreateTestBusWithEffectsAsync();
        await RecordEffectAsync(bus, "housing", "old");
        bus.Time.Advance(TimeSpan.FromDays(8));
        await RecordEffectAsync(bus, "housing", "new");

        Assert.Equal(1, await bus.Processed.ForgetOlderThanAsync(TimeSpan.FromDays(7), Cancellation));

        Assert.True(await RecordEffectAsync(bus, "housing", "old"));
        Assert.False(await RecordEffectAsync(bus, "housing", "new"));
    }

    private static async Task<TestBus> CreateTestBusWithEffectsAsync()
    {
        var bus = await CreateAsync(Topology);
        await bus.Database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE test_effects (message_id TEXT NOT NULL)";
            return await command.ExecuteNonQueryAsync(Cancellation);
        }, Cancellation);
        return bus;
    }

    private static Task<bool> RecordEffectAsync(TestBus bus, string subscription, string messageId) =>
        bus.Processed.RunOnceAsync("cases", subscription, messageId, (connection, transaction, token) => InsertEffectAsync(connection, transaction, messageId, token), Cancellation);

    private static async Task InsertEffectAsync(SqliteConnection connection, SqliteTransaction transaction, string messageId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO test_effects (message_id) VALUES ($id)";
        command.Parameters.AddWithValue("$id", messageId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountEffectsAsync(TestBus bus)
    {
        await using var connection = await bus.Database.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM test_effects";
        return (long)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
