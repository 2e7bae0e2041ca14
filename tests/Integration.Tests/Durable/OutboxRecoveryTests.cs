using Integration.Domain.Messaging;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Integration.Tests.Durable;

/// <summary>A crash between commit and publish loses nothing: the committed outbox row is carried out later.</summary>
[Trait("lane", "integration")]
public sealed class OutboxRecoveryTests : IDisposable
{
    private readonly string dataPath = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Messages_committed_but_not_published_are_published_by_the_next_start()
    {
        var key = new RecordKey("test", Guid.NewGuid().ToString("N"));

        // First life: the bus is unreachable when the change commits, as if the process died right after commit.
        using (var crashing = Platform().WithServices(s => s.AddSingleton<ITopicPublisher>(new UnreachablePublisher())))
        {
            var records = crashing.Services.GetRequiredService<RecordStore>();
            await records.CreateAsync(key, TestTopics.Step(new Counter(1, ""), "test.created", "ndrc",
                new OutboundMessage(TestTopics.Events, "test.hello", new { n = 1 }),
                new OutboundMessage(TestTopics.Events, "test.hello", new { n = 2 })), Ct);
            var left = await crashing.Services.GetRequiredService<ITableStore>().QueryAsync(RecordStore.Table, TableQuery.RowKeyPrefix(key.PartitionKey, "o"), null, Ct);
            Assert.Equal(2, left.Entities.Count);
        }

        // Second life on the same data: start-up recovery publishes both, once.
        using var restarted = Platform();
        var messages = await restarted.Services.DrainAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal([$"{key.PartitionKey}:1:0", $"{key.PartitionKey}:1:1"], messages.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        var after = await restarted.Services.GetRequiredService<ITableStore>().QueryAsync(RecordStore.Table, TableQuery.RowKeyPrefix(key.PartitionKey, "o"), null, Ct);
        Assert.Empty(after.Entities);

        // A sweep racing the recovery (or a second instance) publishes the same ids again: duplicate detection drops them.
        await restarted.Services.GetRequiredService<Functions.Infrastructure.Topics.SqliteTopicBus>().PublishAsync(TestTopics.Events, messages[0], Ct);
        Assert.Empty(await restarted.Services.DrainAsync(1, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_deadline_whose_index_entry_was_lost_in_a_crash_fires_after_the_next_start()
    {
        var key = new RecordKey("test", Guid.NewGuid().ToString("N"));
        var clock = new ManualTimeProvider(new DateTimeOffset(2021, 3, 1, 10, 0, 0, TimeSpan.FromHours(8)));
        var due = clock.GetUtcNow() + TimeSpan.FromHours(1);

        // First life: the change commits, then the process dies before the deadline reaches the index.
        using (var crashing = Platform().WithTime(clock).WithDeadlinesSweptByTest())
        {
            var store = crashing.Services.GetRequiredService<ITableStore>();
            var records = new RecordStore(store, new OutboxDispatcher(new IndexWritesFail(store), crashing.Services.GetRequiredService<ITopicPublisher>(), NullLogger<OutboxDispatcher>.Instance), clock);
            await records.CreateAsync(key, new Change<Counter>
            {
                State = new Counter(0, ""),
                Action = "test.created",
                Principal = "ndrc",
                Schedule = [new DeadlineSchedule("reply", RecordingDeadlineHandler.Action, due)],
            }, Ct);
            Assert.Single((await store.QueryAsync(RecordStore.Table, TableQuery.RowKeyPrefix(key.PartitionKey, "o"), null, Ct)).Entities);
        }

        // Second life: start-up recovery enters it in the index, and the sweep fires it when due.
        using var restarted = Platform().WithTime(clock).WithDeadlinesSweptByTest()
            .WithServices(s => s.AddSingleton<RecordingDeadlineHandler>().AddSingleton<IDeadlineHandler>(p => p.GetRequiredService<RecordingDeadlineHandler>()));
        var table = restarted.Services.GetRequiredService<ITableStore>();
        await Eventually.WaitUntilAsync(
            async () => (await table.QueryAsync(RecordStore.Table, TableQuery.RowKeyPrefix(key.PartitionKey, "o"), null, Ct)).Entities.Count == 0,
            Eventually.Patience,
            "start-up recovery carried out the outbox",
            Ct);

        clock.SetUtcNow(due);
        await restarted.SweepDeadlinesAsync();
        Assert.Single(restarted.Services.GetRequiredService<RecordingDeadlineHandler>().Handled, h => h.Record == key.PartitionKey);
        Assert.Equal(DeadlineStatus.Fired, (await restarted.Services.GetRequiredService<RecordStore>().GetAsync<Counter>(key, Ct))!.Deadline("reply")!.Status);
    }

    public void Dispose()
    {
        if (Directory.Exists(dataPath))
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    private PlatformFactory Platform() => new PlatformFactory().With("Storage:DataPath", dataPath).WithTestTopic();

    private sealed class UnreachablePublisher : ITopicPublisher
    {
        public Task PublishAsync(string topic, TopicMessage message, CancellationToken cancellationToken = default) =>
            throw new IOException("the bus is unreachable");

        public Task PublishBatchAsync(string topic, IReadOnlyList<TopicMessage> messages, CancellationToken cancellationToken = default) =>
            throw new IOException("the bus is unreachable");
    }
}
