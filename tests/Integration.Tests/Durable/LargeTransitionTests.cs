using Integration.Domain.Messaging;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;
using Integration.Tests.Infrastructure;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Durable;

/// <summary>
/// A transition of more rows than one Table transaction takes (100 operations): thousands of deadlines set and
/// cancelled, hundreds of messages, committed whole, and whole after a crash between its commit and its last row.
/// </summary>
public abstract class LargeTransitionTests : IDisposable
{
    private const int Letters = 2_000;

    private readonly PlatformFactory factory;

    protected LargeTransitionTests(PlatformFactory factory)
    {
        this.factory = factory.WithTestTopic().With("Timers:Disabled:0", "outbox-sweep").WithDeadlinesSweptByTest(disabledTimerIndex: 1);
        _ = this.factory.Services;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IServiceProvider Services => factory.Services;

    private RecordStore Records => Services.GetRequiredService<RecordStore>();

    private ITableStore Store => Services.GetRequiredService<ITableStore>();

    [Fact]
    public async Task Thousands_of_deadlines_and_hundreds_of_messages_commit_in_one_transition_and_are_cancelled_in_another()
    {
        var key = new RecordKey("test", Guid.NewGuid().ToString("N"));
        var due = Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(30);
        var created = await Records.CreateAsync(key, new Change<Counter>
        {
            State = new Counter(1, "letters sent"),
            Action = "test.letters",
            Principal = "ndrc",
            Schedule = Enumerable.Range(0, Letters).Select(i => new DeadlineSchedule($"letter-{i:D4}", "test.remind", due)).ToArray(),
            Messages = Enumerable.Range(0, 300).Select(i => new OutboundMessage(TestTopics.Events, "test.letter", new { i })).ToArray(),
        }, Ct);

        Assert.Equal(Letters, created.Record.Deadlines.Count);
        var read = await Records.GetAsync<Counter>(key, Ct);
        Assert.Equal(Letters, read!.Deadlines.Count(d => d.Status == DeadlineStatus.Active));
        Assert.Equal(300, (await Services.DrainAsync(300, TimeSpan.FromSeconds(30))).Count(m => m.Subject == "test.letter"));
        Assert.Null(await Store.GetAsync(RecordStore.Table, key.PartitionKey, "journal", Ct));

        var suspended = await Records.UpdateAsync<Counter>(key, r => new Change<Counter>
        {
            State = r.State with { Note = "suspended" },
            Action = "test.suspended",
            Principal = "ndrc",
            Cancel = r.Deadlines.Select(d => d.Name).ToArray(),
        }, Ct);

        Assert.True(suspended.Changed);
        var after = await Records.GetAsync<Counter>(key, Ct);
        Assert.Equal("suspended", after!.State.Note);
        Assert.All(after.Deadlines, d => Assert.Equal(DeadlineStatus.Cancelled, d.Status));
        Assert.Equal(["test.letters", "test.suspended"], (await Records.HistoryAsync(key, Ct)).Select(e => e.Action));
    }

    [Fact]
    public async Task A_crash_after_the_commit_leaves_a_journal_that_the_next_reader_or_the_sweep_writes_out()
    {
        foreach (var recovery in new[] { "reader", "sweep" })
        {
            var key = new RecordKey("test", $"{recovery}-{Guid.NewGuid():N}");
            var due = Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(30);

            // The process dies after the commit and one more batch: the record is committed, most of its rows are not yet written.
            var crashing = new RecordStore(new DiesAfterBatches(Store, batches: 2), Services.GetRequiredService<OutboxDispatcher>(), Services.GetRequiredService<TimeProvider>());
            var committed = await crashing.CreateAsync(key, new Change<Counter>
            {
                State = new Counter(1, "committed"),
                Action = "test.letters",
                Principal = "ndrc",
                Schedule = Enumerable.Range(0, 500).Select(i => new DeadlineSchedule($"letter-{i:D4}", "test.remind", due)).ToArray(),
                Messages = [new OutboundMessage(TestTopics.Events, "test.after-crash", new { recovery })],
            }, Ct);
            Assert.True(committed.Changed);
            Assert.NotNull(await Store.GetAsync(RecordStore.Table, key.PartitionKey, "journal", Ct));
            Assert.Null(await Store.GetAsync(RecordStore.Table, key.PartitionKey, "dletter-0499", Ct));

            if (recovery == "sweep")
            {
                Assert.True(await Records.RollForwardPendingAsync(Ct) >= 1);
                Assert.NotNull(await Store.GetAsync(RecordStore.Table, key.PartitionKey, "dletter-0499", Ct));
            }

            var read = await Records.GetAsync<Counter>(key, Ct);
            Assert.Equal(500, read!.Deadlines.Count(d => d.Status == DeadlineStatus.Active));
            Assert.Equal(DeadlineStatus.Active, (await Records.GetDeadlineAsync(key, "letter-0499", Ct))!.Status);
            Assert.Null(await Store.GetAsync(RecordStore.Table, key.PartitionKey, "journal", Ct));

            // The message the crash left unsent goes out with the outbox sweep.
            await Services.GetRequiredService<OutboxDispatcher>().SweepAsync(Ct);
            Assert.Contains(await Services.DrainAsync(1, TimeSpan.FromSeconds(30)), m => m.Subject == "test.after-crash");
        }
    }

    public void Dispose()
    {
        factory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The real store, whose writes stop after a number of batches, as if the process had died there.</summary>
    private sealed class DiesAfterBatches(ITableStore inner, int batches) : ITableStore
    {
        private int left = batches;

        public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableIfNotExistsAsync(table, cancellationToken);

        public Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetAsync(table, partitionKey, rowKey, cancellationToken);

        public Task<TablePage> QueryAsync(string table, TableQuery query, string? continuationToken = null, CancellationToken cancellationToken = default) => inner.QueryAsync(table, query, continuationToken, cancellationToken);

        public Task<string> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) => Dead<string>();

        public Task<string> ReplaceAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) => Dead<string>();

        public Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) => Dead<string>();

        public Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) => Dead<string>();

        public Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken = default) => Dead<string>();

        public Task<IReadOnlyList<string>> ExecuteBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default) =>
            Interlocked.Decrement(ref left) >= 0 ? inner.ExecuteBatchAsync(table, operations, cancellationToken) : Dead<IReadOnlyList<string>>();

        public Task PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

        private static Task<T> Dead<T>() => throw new IOException("the process died here");
    }
}

[Trait("lane", "integration")]
public sealed class SqliteLargeTransitionTests() : LargeTransitionTests(new PlatformFactory());

[Trait("lane", "integration")]
[Collection(nameof(AzuriteCollection))]
public sealed class AzureTablesLargeTransitionTests(AzuriteFixture azurite) : LargeTransitionTests(new PlatformFactory()
    .With("Storage:Provider", "AzureTables")
    .With("Storage:ConnectionString", azurite.ConnectionString));
