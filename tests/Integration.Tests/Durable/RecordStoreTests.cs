using System.Text.Json;
using Integration.Domain.Audit;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;
using Integration.Tests.Infrastructure;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Durable;

/// <summary>The durable-record guarantees, on the embedded store and on Azure Table storage (Azurite).</summary>
public abstract class RecordStoreTests : IDisposable
{
    private readonly PlatformFactory factory;

    protected RecordStoreTests(PlatformFactory factory)
    {
        this.factory = factory.WithTestTopic().With("Timers:Disabled:0", "outbox-sweep").WithDeadlinesSweptByTest(disabledTimerIndex: 1);
        _ = this.factory.Services; // starts the host: topology, consumers
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IServiceProvider Services => factory.Services;

    private RecordStore Records => Services.GetRequiredService<RecordStore>();

    [Fact]
    public async Task A_created_record_has_its_state_version_and_first_history_entry()
    {
        var key = NewKey();
        var created = await Records.CreateAsync(key, TestTopics.Step(new Counter(1, "new"), "test.created"), Ct);
        var read = await Records.GetAsync<Counter>(key, Ct);

        Assert.NotNull(read);
        Assert.Equal(new Counter(1, "new"), read.State);
        Assert.Equal(1, read.Version);
        Assert.Equal(created.Entry, read.LastEntry);
        var history = await Records.HistoryAsync(key, Ct);
        Assert.Equal("test.created", Assert.Single(history).Action);
        Assert.Equal(AuditChain.Genesis, history[0].PreviousHash);
    }

    [Fact]
    public async Task Creating_a_record_twice_is_refused_and_changes_nothing()
    {
        var key = NewKey();
        await Records.CreateAsync(key, TestTopics.Step(new Counter(1, "first"), "test.created"), Ct);
        await Assert.ThrowsAsync<RecordExistsException>(() => Records.CreateAsync(key, TestTopics.Step(new Counter(2, "second"), "test.created"), Ct));

        Assert.Equal("first", (await Records.GetAsync<Counter>(key, Ct))!.State.Note);
        Assert.Single(await Records.HistoryAsync(key, Ct));
    }

    [Fact]
    public async Task Every_change_appends_a_chained_history_entry_that_verifies()
    {
        var key = NewKey();
        await Records.CreateAsync(key, TestTopics.Step(new Counter(0, ""), "test.created"), Ct);
        for (var i = 1; i <= 5; i++)
        {
            await Records.UpdateAsync<Counter>(key, r => TestTopics.Step(r.State with { Value = r.State.Value + 1 }, "test.incremented", "housing"), Ct);
        }

        var history = await Records.HistoryAsync(key, Ct);
        Assert.Equal([1L, 2, 3, 4, 5, 6], history.Select(e => e.Sequence));
        Assert.All(history.Skip(1), (e, i) => Assert.Equal(history[i].Hash, e.PreviousHash));
        Assert.Equal(new AuditVerification(true, 6, null), AuditChain.Verify(key.PartitionKey, history));
        Assert.Equal(6, (await Records.GetAsync<Counter>(key, Ct))!.Version);
    }

    [Fact]
    public async Task Two_writers_racing_on_one_record_both_apply_on_fresh_state()
    {
        var key = NewKey();
        await Records.CreateAsync(key, TestTopics.Step(new Counter(0, ""), "test.created"), Ct);
        using var bothRead = new Barrier(2);
        var decisions = 0;

        Change<Counter> Decide(Record<Counter> r)
        {
            // Both writers read the same version the first time round, so one must lose the race.
            if (Interlocked.Increment(ref decisions) <= 2)
            {
                bothRead.SignalAndWait(TimeSpan.FromSeconds(10));
            }

            return TestTopics.Step(r.State with { Value = r.State.Value + 1 }, "test.incremented");
        }

        await Task.WhenAll(
            Task.Run(() => Records.UpdateAsync<Counter>(key, Decide, Ct), Ct),
            Task.Run(() => Records.UpdateAsync<Counter>(key, Decide, Ct), Ct));

        Assert.Equal(2, (await Records.GetAsync<Counter>(key, Ct))!.State.Value);
        Assert.Equal(3, decisions); // the loser decided again on the winner's result
        Assert.Equal(3, (await Records.HistoryAsync(key, Ct)).Count);
    }

    [Fact]
    public async Task A_stale_etag_is_a_precondition_failure_and_nothing_is_overwritten()
    {
        var key = NewKey();
        var created = await Records.CreateAsync(key, TestTopics.Step(new Counter(0, "original"), "test.created"), Ct);
        await Records.UpdateAsync<Counter>(key, r => TestTopics.Step(r.State with { Note = "winner" }, "test.noted"), Ct);

        var store = Services.GetRequiredService<ITableStore>();
        var stale = new TableEntity(key.PartitionKey, "state", new Dictionary<string, object?> { ["State"] = "{}" });
        var e = await Assert.ThrowsAsync<TableStoreException>(() => store.ReplaceAsync(RecordStore.Table, stale, created.Record.ETag, Ct));
        Assert.Equal(TableErrorKind.PreconditionFailed, e.Kind);
        Assert.Equal("winner", (await Records.GetAsync<Counter>(key, Ct))!.State.Note);
    }

    [Fact]
    public async Task Messages_of_a_change_are_published_after_commit_with_stable_ids()
    {
        var key = NewKey();
        await Records.CreateAsync(key, TestTopics.Step(new Counter(1, ""), "test.created", "ndrc",
            new OutboundMessage(TestTopics.Events, "test.hello", new { to = "housing" }, new Dictionary<string, string> { ["department"] = "housing" })), Ct);

        var message = Assert.Single(await Services.DrainAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal($"{key.PartitionKey}:1:0", message.MessageId);
        Assert.Equal("test.hello", message.Subject);
        Assert.Equal("housing", message.ApplicationProperties["department"]);
        Assert.Equal("housing", JsonDocument.Parse(message.Body).RootElement.GetProperty("to").GetString());
        var outboxLeft = await Services.GetRequiredService<ITableStore>().QueryAsync(RecordStore.Table, TableQuery.RowKeyPrefix(key.PartitionKey, "o"), null, Ct);
        Assert.Empty(outboxLeft.Entities);
    }

    [Fact]
    public async Task A_state_longer_than_a_table_property_round_trips()
    {
        // Azure Table storage keeps at most 32K characters in one string property.
        var key = NewKey();
        var note = string.Concat(Enumerable.Range(0, 15_000).Select(i => $"{i % 10}材料"));
        await Records.CreateAsync(key, TestTopics.Step(new Counter(1, note), "test.created", "ndrc",
            new OutboundMessage(TestTopics.Events, "test.long", new { note })), Ct);
        await Records.UpdateAsync<Counter>(key, r => TestTopics.Step(r.State with { Value = 2 }, "test.incremented"), Ct);

        Assert.Equal(note, (await Records.GetAsync<Counter>(key, Ct))!.State.Note);
        var message = Assert.Single(await Services.DrainAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(note, JsonDocument.Parse(message.Body).RootElement.GetProperty("note").GetString());
        Assert.True(AuditChain.Verify(key.PartitionKey, await Records.HistoryAsync(key, Ct)).Valid);
    }

    [Fact]
    public async Task A_deadline_fires_once_through_the_sweep_and_is_marked_fired()
    {
        var (key, due) = await CreateWithDeadlineAsync(TimeSpan.FromMilliseconds(300));
        await UntilPastAsync(due);
        await Services.SweepDeadlinesAsync();

        var handler = Services.GetServices<IDeadlineHandler>().OfType<RecordingDeadlineHandler>().Single();
        Assert.Single(handler.Handled, h => h.Record == key.PartitionKey);

        var record = (await Records.GetAsync<Counter>(key, Ct))!;
        Assert.Equal(DeadlineStatus.Fired, record.Deadline("reply")!.Status);
        Assert.Equal("deadline reply", record.State.Note);

        // A second wake-up for the same generation (a redelivery) changes nothing.
        var again = new DeadlineDue(key.PartitionKey, "reply", 1, RecordingDeadlineHandler.Action, due);
        await handler.HandleAsync(again, Ct);
        Assert.Equal(2, (await Records.HistoryAsync(key, Ct)).Count);
    }

    [Fact]
    public async Task A_cancelled_deadline_never_fires()
    {
        var (key, due) = await CreateWithDeadlineAsync(TimeSpan.FromMilliseconds(500));
        await Records.UpdateAsync<Counter>(key, r => new Change<Counter> { State = r.State, Action = "test.answered", Principal = "housing", Cancel = ["reply"] }, Ct);

        await UntilPastAsync(due);
        await Services.SweepDeadlinesAsync();
        var handler = Services.GetServices<IDeadlineHandler>().OfType<RecordingDeadlineHandler>().Single();
        Assert.DoesNotContain(handler.Handled, h => h.Record == key.PartitionKey);
        Assert.Equal(DeadlineStatus.Cancelled, (await Records.GetAsync<Counter>(key, Ct))!.Deadline("reply")!.Status);
    }

    protected static PlatformFactory WithRecordingHandler(PlatformFactory factory) =>
        factory.WithServices(services => services.AddSingleton<IDeadlineHandler, RecordingDeadlineHandler>());

    // The platform's clock here is the real one, so the deadline falls due when that clock passes it.
    private Task UntilPastAsync(DateTimeOffset due)
    {
        var time = Services.GetRequiredService<TimeProvider>();
        return Eventually.WaitUntilAsync(() => time.GetUtcNow() > due, Eventually.Patience, $"the clock passed {due:O}", Ct);
    }

    private async Task<(RecordKey Key, DateTimeOffset Due)> CreateWithDeadlineAsync(TimeSpan dueIn)
    {
        var key = NewKey();
        var due = Services.GetRequiredService<TimeProvider>().GetUtcNow() + dueIn;
        await Records.CreateAsync(key, new Change<Counter>
        {
            State = new Counter(0, ""),
            Action = "test.created",
            Principal = "ndrc",
            Schedule = [new DeadlineSchedule("reply", RecordingDeadlineHandler.Action, due)],
        }, Ct);
        return (key, due);
    }

    private static RecordKey NewKey() => new("test", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        factory.Dispose();
        GC.SuppressFinalize(this);
    }
}

[Trait("lane", "integration")]
public sealed class SqliteRecordStoreTests() : RecordStoreTests(WithRecordingHandler(new PlatformFactory()));

[Trait("lane", "integration")]
[Collection(nameof(AzuriteCollection))]
public sealed class AzureTablesRecordStoreTests(AzuriteFixture azurite) : RecordStoreTests(WithRecordingHandler(new PlatformFactory()
    .With("Storage:Provider", "AzureTables")
    .With("Storage:ConnectionString", azurite.ConnectionString)));
