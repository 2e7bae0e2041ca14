using System.Text.Json;
using Integration.Domain.Messaging;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Integration.Tests.Durable;

/// <summary>Data written when deadlines were woken by scheduled messages on topic <c>deadlines</c> gets into the index.</summary>
[Trait("lane", "integration")]
public sealed class DeadlineIndexUpgradeTests : IDisposable
{
    private readonly PlatformFactory platform = new PlatformFactory().WithDeadlinesSweptByTest();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ITableStore Store => platform.Services.GetRequiredService<ITableStore>();

    [Fact]
    public async Task Active_deadlines_without_an_index_row_are_entered_once()
    {
        // An active deadline whose wake-up went to the old topic: no outbox row, no index row.
        var key = new RecordKey("test", Guid.NewGuid().ToString("N"));
        var due = new DateTimeOffset(2031, 1, 6, 0, 0, 0, TimeSpan.FromHours(8));
        var records = new RecordStore(Store, new OutboxDispatcher(new IndexWritesFail(Store), platform.Services.GetRequiredService<ITopicPublisher>(), NullLogger<OutboxDispatcher>.Instance), TimeProvider.System);
        await records.CreateAsync(key, new Change<Counter> { State = new Counter(0, ""), Action = "test.created", Principal = "ndrc", Schedule = [new DeadlineSchedule("reply", RecordingDeadlineHandler.Action, due)] }, Ct);
        var outbox = Assert.Single((await Store.QueryAsync(RecordStore.Table, TableQuery.RowKeyPrefix(key.PartitionKey, "o"), null, Ct)).Entities);
        await Store.DeleteAsync(RecordStore.Table, outbox.PartitionKey, outbox.RowKey, "*", Ct);

        // The start-up ran it on the empty store and left its marker; without the marker this is the first start after an upgrade.
        await Eventually.WaitUntilAsync(async () => await Store.GetAsync(DeadlineIndex.Table, "meta", "backfill-v1", Ct) is not null, Eventually.Patience, "the start-up built the index", Ct);

        await Store.DeleteAsync(DeadlineIndex.Table, "meta", "backfill-v1", "*", Ct);
        var backfill = platform.Services.GetRequiredService<DeadlineIndexBackfill>();
        Assert.Equal(1, await backfill.RunOnceAsync(Ct));
        Assert.Equal(0, await backfill.RunOnceAsync(Ct));

        var row = Assert.Single(await RowsOfAsync(key));
        Assert.Equal(due, row.GetDateTimeOffset("DueAt"));
        Assert.Equal(1, row.GetInt64("Generation"));
    }

    [Fact]
    public async Task An_outbox_row_for_the_old_deadlines_topic_becomes_an_index_row()
    {
        var key = new RecordKey("test", Guid.NewGuid().ToString("N"));
        var due = new DateTimeOffset(2031, 1, 6, 0, 0, 0, TimeSpan.FromHours(8));
        var message = new TopicMessage
        {
            MessageId = $"{key.PartitionKey}:deadline:reply:1",
            Subject = RecordingDeadlineHandler.Action,
            Body = JsonSerializer.Serialize(new { record = key.PartitionKey, deadline = "reply", generation = 1, action = RecordingDeadlineHandler.Action, dueAt = due }, RecordJson.Options),
            ScheduledEnqueueTime = due,
        };
        await Store.CreateTableIfNotExistsAsync(RecordStore.Table, Ct);
        await Store.InsertAsync(RecordStore.Table, new TableEntity(key.PartitionKey, "odeadline:reply:1", new Dictionary<string, object?>
        {
            ["RowType"] = "outbox",
            ["Topic"] = "deadlines",
            ["Message"] = JsonSerializer.Serialize(message, RecordJson.Options),
        }), Ct);

        await platform.Services.GetRequiredService<OutboxDispatcher>().SweepAsync(Ct);

        var row = Assert.Single(await RowsOfAsync(key));
        Assert.Equal(due, row.GetDateTimeOffset("DueAt"));
        Assert.Equal("reply", row.GetString("Deadline"));
        Assert.Empty((await Store.QueryAsync(RecordStore.Table, TableQuery.RowKeyPrefix(key.PartitionKey, "o"), null, Ct)).Entities);
    }

    public void Dispose() => platform.Dispose();

    private async Task<IReadOnlyList<TableEntity>> RowsOfAsync(RecordKey key) =>
        (await Store.QueryAsync(DeadlineIndex.Table, TableQuery.Partition(DeadlineIndex.DuePartition, 1000), null, Ct)).Entities.Where(r => r.GetString("Record") == key.PartitionKey).ToArray();
}
