using System.Net;
using Integration.Domain.Messaging;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;
using Integration.Tests.Infrastructure;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Integration.Tests.Durable;

/// <summary>
/// The deadline sweep over the due-index, on the embedded store and on Azure Table storage (Azurite),
/// on a clock the tests move. Azurite's tables outlive a test class, so every assertion is about the
/// test's own records, never about totals.
/// </summary>
public abstract class DeadlineSweepTests : IDisposable
{
    // Before any deadline another test class sets, so their rows are never due here.
    private static readonly DateTimeOffset Start = new(2021, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private readonly PlatformFactory factory;

    protected DeadlineSweepTests(PlatformFactory factory)
    {
        this.factory = factory
            .WithTime(Clock)
            .WithDeadlinesSweptByTest()
            // The outbox sweep would enter index rows on its own when the clock moves past :30; these tests decide when.
            .With("Timers:Disabled:1", "outbox-sweep")
            // Nor may the start-up recovery, which runs in the background while a test has begun.
            .WithServices(services => services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DurableStartup))))
            .WithServices(services => services
                .AddSingleton<RecordingDeadlineHandler>()
                .AddSingleton<IDeadlineHandler>(p => p.GetRequiredService<RecordingDeadlineHandler>())
                .AddSingleton<FailingDeadlineHandler>()
                .AddSingleton<IDeadlineHandler>(p => p.GetRequiredService<FailingDeadlineHandler>()));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ManualTimeProvider Clock { get; } = new(Start);

    private IServiceProvider Services => factory.Services;

    private RecordStore Records => Services.GetRequiredService<RecordStore>();

    private ITableStore Store => Services.GetRequiredService<ITableStore>();

    private RecordingDeadlineHandler Recording => Services.GetRequiredService<RecordingDeadlineHandler>();

    private FailingDeadlineHandler Failing => Services.GetRequiredService<FailingDeadlineHandler>();

    [Fact]
    public async Task A_deadline_fires_once_when_its_time_comes_and_not_before()
    {
        var key = await CreateAsync(TimeSpan.FromHours(1));
        Assert.Single(await DueRowsOfAsync(key));

        Clock.Advance(TimeSpan.FromMinutes(59));
        await Services.SweepDeadlinesAsync();
        Assert.Equal(0, Recording.CallsFor(key));

        Clock.Advance(TimeSpan.FromMinutes(1));
        await Services.SweepDeadlinesAsync();
        await Services.SweepDeadlinesAsync();

        Assert.Equal(1, Recording.CallsFor(key));
        var record = (await Records.GetAsync<Counter>(key, Ct))!;
        Assert.Equal(DeadlineStatus.Fired, record.Deadline("reply")!.Status);
        Assert.Equal(["test.created", "test.deadline-fired"], (await Records.HistoryAsync(key, Ct)).Select(e => e.Action));
        Assert.Empty(await DueRowsOfAsync(key));
    }

    [Fact]
    public async Task A_deadline_committed_but_never_entered_in_the_index_still_fires()
    {
        // The index write after the commit fails, as if the process died between the two.
        var key = NewKey();
        var crashing = new RecordStore(Store, new OutboxDispatcher(new IndexWritesFail(Store), Services.GetRequiredService<ITopicPublisher>(), NullLogger<OutboxDispatcher>.Instance), Clock);
        await crashing.CreateAsync(key, Created(Clock.GetUtcNow() + TimeSpan.FromMinutes(5)), Ct);
        Assert.Empty(await DueRowsOfAsync(key));

        Clock.Advance(TimeSpan.FromMinutes(10));
        await Services.SweepDeadlinesAsync();
        Assert.Equal(0, Recording.CallsFor(key));

        // The outbox row committed with the change enters it (the sweep timer, or the next start).
        await Services.GetRequiredService<OutboxDispatcher>().SweepAsync(Ct);
        await Services.SweepDeadlinesAsync();

        Assert.Equal(1, Recording.CallsFor(key));
        Assert.Equal(DeadlineStatus.Fired, (await Records.GetAsync<Counter>(key, Ct))!.Deadline("reply")!.Status);
    }

    [Fact]
    public async Task A_cancelled_deadline_never_acts_and_its_index_row_is_dropped()
    {
        var key = await CreateAsync(TimeSpan.FromMinutes(5));
        await Records.UpdateAsync<Counter>(key, r => new Change<Counter> { State = r.State, Action = "test.answered", Principal = "housing", Cancel = ["reply"] }, Ct);

        Clock.Advance(TimeSpan.FromMinutes(10));
        await Services.SweepDeadlinesAsync();

        Assert.Equal(0, Recording.CallsFor(key));
        Assert.Equal(DeadlineStatus.Cancelled, (await Records.GetAsync<Counter>(key, Ct))!.Deadline("reply")!.Status);
        Assert.Empty(await DueRowsOfAsync(key));
    }

    [Fact]
    public async Task A_reset_deadline_acts_once_at_its_new_time_and_not_at_the_old_one()
    {
        var key = await CreateAsync(TimeSpan.FromMinutes(5));
        var later = Clock.GetUtcNow() + TimeSpan.FromHours(2);
        await Records.UpdateAsync<Counter>(key, r => new Change<Counter>
        {
            State = r.State,
            Action = "test.extended",
            Principal = "ndrc",
            Schedule = [new DeadlineSchedule("reply", RecordingDeadlineHandler.Action, later)],
        }, Ct);

        Clock.Advance(TimeSpan.FromMinutes(10));
        await Services.SweepDeadlinesAsync();
        Assert.Equal(0, Recording.CallsFor(key));
        Assert.Equal(2, Assert.Single(await DueRowsOfAsync(key)).GetInt64("Generation"));

        Clock.SetUtcNow(later);
        await Services.SweepDeadlinesAsync();
        Assert.Equal(1, Recording.CallsFor(key));
        Assert.Equal(2, Assert.Single(Recording.Handled, h => h.Record == key.PartitionKey).Generation);
    }

    [Fact]
    public async Task A_failing_handler_is_retried_with_backoff_then_set_aside_without_holding_up_the_others()
    {
        var broken = NewKey();
        await Records.CreateAsync(broken, Created(Clock.GetUtcNow() + TimeSpan.FromMinutes(1), FailingDeadlineHandler.Action), Ct);
        var healthy = await CreateAsync(TimeSpan.FromMinutes(1));

        Clock.Advance(TimeSpan.FromMinutes(1));
        await Services.SweepDeadlinesAsync();
        Assert.Equal(1, Recording.CallsFor(healthy));
        Assert.Equal(1, Failing.CallsFor(broken));

        var row = Assert.Single(await DueRowsOfAsync(broken));
        Assert.Equal(1, row.GetInt64("Attempts"));
        Assert.Contains(FailingDeadlineHandler.Failure, row.GetString("LastError"), StringComparison.Ordinal);

        // Not again before the back-off has passed, then once per back-off, doubling.
        for (var attempt = 1; attempt < DeadlineSweep.MaxAttempts; attempt++)
        {
            Clock.Advance(DeadlineSweep.RetryDelay(attempt) - TimeSpan.FromSeconds(1));
            await Services.SweepDeadlinesAsync();
            Assert.Equal(attempt, Failing.CallsFor(broken));
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Services.SweepDeadlinesAsync();
            Assert.Equal(attempt + 1, Failing.CallsFor(broken));
        }

        Assert.Empty(await DueRowsOfAsync(broken));
        Clock.Advance(TimeSpan.FromDays(1));
        await Services.SweepDeadlinesAsync();
        Assert.Equal(DeadlineSweep.MaxAttempts, Failing.CallsFor(broken));
        Assert.Equal(1, Recording.CallsFor(healthy));

        // Where an operator sees it, with why.
        var admin = factory.ClientFor("admin");
        var stuck = Assert.Single((await (await admin.GetAsync("/api/operations/stuck-deadlines", Ct)).ReadJsonAsync()).EnumerateArray(), s => s.GetProperty("record").GetString() == broken.PartitionKey);
        Assert.Equal("reply", stuck.GetProperty("deadline").GetString());
        Assert.Equal(FailingDeadlineHandler.Action, stuck.GetProperty("action").GetString());
        Assert.Equal(DeadlineSweep.MaxAttempts, stuck.GetProperty("attempts").GetInt32());
        Assert.Contains(FailingDeadlineHandler.Failure, stuck.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await (await factory.ClientFor("ndrc").GetAsync("/api/operations/stuck-deadlines", Ct)).ReadProblemAsync(HttpStatusCode.Forbidden);

        // Once the cause is fixed, the operator makes it due again and it acts.
        Failing.Broken = false;
        var retry = await admin.PostAsync($"/api/operations/stuck-deadlines/{stuck.GetProperty("id").GetString()}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        await Services.SweepDeadlinesAsync();
        Assert.Equal(DeadlineSweep.MaxAttempts + 1, Failing.CallsFor(broken));
        Assert.Equal("repaired", (await Records.GetAsync<Counter>(broken, Ct))!.State.Note);
        Assert.DoesNotContain((await (await admin.GetAsync("/api/operations/stuck-deadlines", Ct)).ReadJsonAsync()).EnumerateArray(), s => s.GetProperty("record").GetString() == broken.PartitionKey);
        await (await admin.PostAsync($"/api/operations/stuck-deadlines/{stuck.GetProperty("id").GetString()}/retry", null, Ct)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync("/api/operations/stuck-deadlines/not-an-id!/retry", null, Ct)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Two_sweeps_at_once_call_each_handler_once()
    {
        var keys = new List<RecordKey>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add(await CreateAsync(TimeSpan.FromMinutes(1)));
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
        var sweep = Services.GetRequiredService<DeadlineSweep>();
        var other = ActivatorUtilities.CreateInstance<DeadlineSweep>(Services);
        await Task.WhenAll(sweep.RunAsync(Ct), other.RunAsync(Ct));

        foreach (var key in keys)
        {
            Assert.Equal(1, Recording.CallsFor(key));
            Assert.Equal(2, (await Records.HistoryAsync(key, Ct)).Count);
            Assert.Empty(await DueRowsOfAsync(key));
        }
    }

    public void Dispose()
    {
        factory.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<RecordKey> CreateAsync(TimeSpan dueIn)
    {
        var key = NewKey();
        await Records.CreateAsync(key, Created(Clock.GetUtcNow() + dueIn), Ct);
        return key;
    }

    private static Change<Counter> Created(DateTimeOffset due, string action = RecordingDeadlineHandler.Action) => new()
    {
        State = new Counter(0, ""),
        Action = "test.created",
        Principal = "ndrc",
        Schedule = [new DeadlineSchedule("reply", action, due)],
    };

    private async Task<IReadOnlyList<TableEntity>> DueRowsOfAsync(RecordKey key)
    {
        var rows = new List<TableEntity>();
        string? token = null;
        do
        {
            var page = await Store.QueryAsync(DeadlineIndex.Table, TableQuery.Partition(DeadlineIndex.DuePartition, 1000), token, Ct);
            rows.AddRange(page.Entities.Where(r => r.GetString("Record") == key.PartitionKey));
            token = page.ContinuationToken;
        }
        while (token is not null);

        return rows;
    }

    private static RecordKey NewKey() => new("test", Guid.NewGuid().ToString("N"));
}

[Trait("lane", "integration")]
public sealed class SqliteDeadlineSweepTests() : DeadlineSweepTests(new PlatformFactory());

[Trait("lane", "integration")]
[Collection(nameof(AzuriteCollection))]
public sealed class AzureTablesDeadlineSweepTests(AzuriteFixture azurite) : DeadlineSweepTests(new PlatformFactory()
    .With("Storage:Provider", "AzureTables")
    .With("Storage:ConnectionString", azurite.ConnectionString));

/// <summary>A table store whose writes to the deadline index fail, as if the process had died before making them.</summary>
public sealed class IndexWritesFail(ITableStore inner) : ITableStore
{
    public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableIfNotExistsAsync(table, cancellationToken);

    public Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetAsync(table, partitionKey, rowKey, cancellationToken);

    public Task<TablePage> QueryAsync(string table, TableQuery query, string? continuationToken = null, CancellationToken cancellationToken = default) => inner.QueryAsync(table, query, continuationToken, cancellationToken);

    public Task<string> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) => Guard(table) ?? inner.InsertAsync(table, entity, cancellationToken);

    public Task<string> ReplaceAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) => Guard(table) ?? inner.ReplaceAsync(table, entity, ifMatch, cancellationToken);

    public Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) => Guard(table) ?? inner.MergeAsync(table, entity, ifMatch, cancellationToken);

    public Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) => Guard(table) ?? inner.UpsertAsync(table, entity, cancellationToken);

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken = default) => Guard(table) ?? inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken);

    public Task<IReadOnlyList<string>> ExecuteBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default) =>
        table == DeadlineIndex.Table ? throw new IOException("the process died before writing the deadline index") : inner.ExecuteBatchAsync(table, operations, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

    private static Task<string>? Guard(string table) =>
        table == DeadlineIndex.Table ? throw new IOException("the process died before writing the deadline index") : null;
}
