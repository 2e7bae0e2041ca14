using System.Net;
using Integration.Domain.Storage;
using Integration.Functions.Approvals;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Durable;

/// <summary>What follows a commit (messages, listing index) happens whatever the caller does after it.</summary>
[Trait("lane", "integration")]
public sealed class PostCommitTests : IDisposable
{
    private readonly string dataPath = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_client_that_hangs_up_right_after_the_commit_still_leaves_the_listing_and_the_messages_written()
    {
        var hooked = new HookedTableStore();
        using var platform = Platform(hooked);
        var accessor = platform.Services.GetRequiredService<IHttpContextAccessor>();
        var id = NewId("C");

        // The request is aborted the moment its commit returns, as when the client disconnects then.
        hooked.AfterBatch = table =>
        {
            if (table == RecordStore.Table)
            {
                hooked.AfterBatch = null;
                accessor.HttpContext?.Abort();
            }
        };
        try
        {
            using var response = await platform.PushAsync(Valid(id));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // The client may see its request fail: that is the point.
        }

        // The server carries on after the client has gone; it must get to the end.
        await EventuallyAsync(async () =>
        {
            var listed = await platform.GetJsonAsync("housing", "/api/approvals");
            return listed.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("approvalId").GetString() == id);
        }, "the approval to be listed");
        Assert.Single(await platform.TakeAsync("approvals", "housing", id));
        var markers = await platform.Services.GetRequiredService<ITableStore>().QueryAsync(RecordStore.Table, TableQuery.RowKeyPrefix(ApprovalService.Key(id).PartitionKey, "p"), null, Cancellation);
        Assert.Empty(markers.Entities);
    }

    [Fact]
    public async Task A_record_committed_but_not_projected_is_listed_after_the_next_start()
    {
        var id = NewId("P");

        // First life: the index cannot be written, as if the process died between commit and projection.
        var hooked = new HookedTableStore { FailWritesTo = ApprovalIndex.Table };
        using (var crashing = Platform(hooked))
        {
            using var response = await crashing.PushAsync(Valid(id));
            var listed = await crashing.GetJsonAsync("housing", "/api/approvals");
            Assert.DoesNotContain(id, listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("approvalId").GetString()));
        }

        // Second life on the same data: start-up recovery projects it without a re-push.
        using var restarted = Platform(new HookedTableStore());
        await EventuallyAsync(async () =>
        {
            var listed = await restarted.GetJsonAsync("housing", "/api/approvals");
            return listed.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("approvalId").GetString() == id);
        }, "the approval to be listed after recovery");
        Assert.Equal(0, await restarted.Services.GetRequiredService<RecordStore>().ProjectPendingAsync(Cancellation));
    }

    [Fact]
    public async Task The_sweep_redoes_a_projection_that_failed_while_running()
    {
        var hooked = new HookedTableStore { FailWritesTo = ApprovalIndex.Table };
        using var platform = Platform(hooked);
        var id = NewId("S");
        using (await platform.PushAsync(Valid(id)))
        {
        }

        hooked.FailWritesTo = null;
        Assert.Equal(1, await platform.Services.GetRequiredService<RecordStore>().ProjectPendingAsync(Cancellation));
        var listed = await platform.GetJsonAsync("housing", "/api/approvals");
        Assert.Contains(id, listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("approvalId").GetString()));
    }

    public void Dispose()
    {
        if (Directory.Exists(dataPath))
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    private PlatformFactory Platform(HookedTableStore hooked) => new PlatformFactory()
        .With("Storage:DataPath", dataPath)
        .WithServices(services =>
        {
            services.AddHttpContextAccessor();
            hooked.Decorate(services);
        });
}

/// <summary>The real table store with two fault points: a hook after each batch, and a table whose writes fail.</summary>
public sealed class HookedTableStore : ITableStore
{
    private ITableStore inner = null!;

    public Action<string>? AfterBatch { get; set; }

    public string? FailWritesTo { get; set; }

    /// <summary>Reads (gets and queries) per table, to show what a request touched.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

    public void Decorate(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(ITableStore));
        services.Remove(original);
        services.AddSingleton<ITableStore>(provider =>
        {
            inner = original.ImplementationFactory is { } factory ? (ITableStore)factory(provider)
                : original.ImplementationInstance as ITableStore ?? (ITableStore)ActivatorUtilities.CreateInstance(provider, original.ImplementationType!);
            return this;
        });
    }

    public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableIfNotExistsAsync(table, cancellationToken);

    public Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        Reads.AddOrUpdate(table, 1, (_, n) => n + 1);
        return inner.GetAsync(table, partitionKey, rowKey, cancellationToken);
    }

    public Task<TablePage> QueryAsync(string table, TableQuery query, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        Reads.AddOrUpdate(table, 1, (_, n) => n + 1);
        return inner.QueryAsync(table, query, continuationToken, cancellationToken);
    }

    public Task<string> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) =>
        Writable(table) ? inner.InsertAsync(table, entity, cancellationToken) : Fail<string>();

    public Task<string> ReplaceAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) =>
        Writable(table) ? inner.ReplaceAsync(table, entity, ifMatch, cancellationToken) : Fail<string>();

    public Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) =>
        Writable(table) ? inner.MergeAsync(table, entity, ifMatch, cancellationToken) : Fail<string>();

    public Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) =>
        Writable(table) ? inner.UpsertAsync(table, entity, cancellationToken) : Fail<string>();

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken = default) =>
        Writable(table) ? inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken) : Fail<string>();

    public async Task<IReadOnlyList<string>> ExecuteBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        if (!Writable(table))
        {
            return await Fail<IReadOnlyList<string>>();
        }

        var etags = await inner.ExecuteBatchAsync(table, operations, cancellationToken);
        AfterBatch?.Invoke(table);
        return etags;
    }

    public Task PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

    private bool Writable(string table) => table != FailWritesTo;

    private static Task<T> Fail<T>() => Task.FromException<T>(new IOException("the table cannot be written"));
}
