using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Enforcement.Rosters;

/// <summary>
/// One writer of the enforcement library at a time, across instances: a lease row taken and released with its ETag.
/// An officerId must name one officer across all departments, and each department's list is its own partition, so no
/// single batch could check and write it; replacements are rare (a department edits its staff list), so they simply
/// queue. A holder that dies leaves a lease that expires after <see cref="Lease"/>.
/// </summary>
public sealed class RosterWriteLock(ITableStore store, TimeProvider time)
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private const string Partition = "lock";
    private const string Row = "rosters";
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="work"/> holding the lease; busy for longer than 20 s is answered as a concurrent update (409).</summary>
    public async Task<T> RunAsync<T>(string what, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await store.CreateTableIfNotExistsAsync(RosterSnapshots.Table, cancellationToken);
        var etag = await AcquireAsync(what, cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            try
            {
                await store.DeleteAsync(RosterSnapshots.Table, Partition, Row, etag, CancellationToken.None);
            }
            catch (TableStoreException e) when (e.Kind is TableErrorKind.NotFound or TableErrorKind.PreconditionFailed)
            {
                // The lease expired and another writer took it: that row is theirs now.
            }
        }
    }

    private async Task<string> AcquireAsync(string what, CancellationToken cancellationToken)
    {
        // Waiting is real time even under a test clock: only the lease's expiry is judged on the platform's clock.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var lease = new TableEntity(Partition, Row, new Dictionary<string, object?> { ["HeldUntil"] = now + Lease, ["For"] = what });
            try
            {
                var current = await store.GetAsync(RosterSnapshots.Table, Partition, Row, cancellationToken);
                if (current is null)
                {
                    return await store.InsertAsync(RosterSnapshots.Table, lease, cancellationToken);
                }

                if (current.GetDateTimeOffset("HeldUntil") is not { } heldUntil || heldUntil <= now)
                {
                    return await store.ReplaceAsync(RosterSnapshots.Table, lease, current.ETag ?? "*", cancellationToken);
                }
            }
            catch (TableStoreException e) when (e.Kind is TableErrorKind.Conflict or TableErrorKind.PreconditionFailed or TableErrorKind.NotFound)
            {
                // Another writer took or released the lease between the read and the write: look again.
            }

            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) > GiveUpAfter)
            {
                throw new ConcurrentUpdateException(new RecordKey("roster", what), attempt + 1, new TimeoutException($"The enforcement library was being replaced by another request for over {GiveUpAfter.TotalSeconds:N0} s."));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20) + ConcurrentDelay(attempt), cancellationToken);
        }
    }

    private static TimeSpan ConcurrentDelay(int attempt)
    {
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(Random.Shared.Next(0, Math.Min(250, 10 << Math.Min(attempt, 5))));
#pragma warning restore CA5394
    }
}
