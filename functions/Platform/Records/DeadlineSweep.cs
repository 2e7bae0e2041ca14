using Integration.Domain.Storage;

namespace Integration.Functions.Platform.Records;

/// <summary>What one sweep did.</summary>
public sealed record DeadlineSweepResult(int Fired, int Stale, int Retrying, int SetAside, int Skipped)
{
    public int Seen => Fired + Stale + Retrying + SetAside + Skipped;
}

/// <summary>
/// Wakes the deadlines that have come due: reads the <see cref="DeadlineIndex"/> rows due at or
/// before now, hands each to the <see cref="IDeadlineHandler"/> of its action and deletes the row
/// once the handler succeeded. Run by the <c>deadline-sweep</c> timer, which exists on every host
/// (no topic trigger is needed).
/// <para>
/// A row is claimed before its handler runs by moving it to its retry instant (one atomic batch on
/// the row's ETag), so of two sweeps at once only one calls the handler, and a handler that fails,
/// hangs or dies with its process is retried later without holding up the rows behind it. After
/// <see cref="MaxAttempts"/> attempts the row is set aside in partition <c>stuck</c> with the last
/// reason, where <c>GET /api/operations/stuck-deadlines</c> shows it.
/// </para>
/// </summary>
public sealed partial class DeadlineSweep(ITableStore store, RecordStore records, DeadlineRouter router, TimeProvider time, ILogger<DeadlineSweep> logger)
{
    public const int MaxAttempts = 10;

    /// <summary>The wait after the first attempt; it doubles with each attempt up to <see cref="LongestRetry"/>.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    /// <summary>
    /// A handler still running after this is cancelled and counted as a failed attempt. Shorter than
    /// <see cref="FirstRetry"/>, so a row is not claimed again while its handler still runs.
    /// </summary>
    public static readonly TimeSpan HandlerTimeout = TimeSpan.FromSeconds(20);

    private const int Parallelism = 4;
    private const int MaxReasonLength = 2000;

    private int tableReady;

    private enum Outcome
    {
        Fired,
        Stale,
        Retrying,
        SetAside,
        Skipped,
    }

    /// <summary>How long after attempt <paramref name="attempt"/> (1-based) the next one may start.</summary>
    public static TimeSpan RetryDelay(int attempt) =>
        attempt >= 8 ? LongestRetry : TimeSpan.FromTicks(Math.Min(FirstRetry.Ticks << (attempt - 1), LongestRetry.Ticks));

    public async Task<DeadlineSweepResult> RunAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var now = time.GetUtcNow();
        var query = new TableQuery { PartitionKey = DeadlineIndex.DuePartition, RowKeyTo = DeadlineIndex.DueBefore(now), PageSize = 100 };
        var counts = new int[Enum.GetValues<Outcome>().Length];
        string? token = null;
        do
        {
            var page = await store.QueryAsync(DeadlineIndex.Table, query, token, cancellationToken);
            await Parallel.ForEachAsync(page.Entities, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (row, ct) =>
                Interlocked.Increment(ref counts[(int)await ProcessAsync(row, now, ct)]));
            token = page.ContinuationToken;
        }
        while (token is not null);

        var result = new DeadlineSweepResult(counts[(int)Outcome.Fired], counts[(int)Outcome.Stale], counts[(int)Outcome.Retrying], counts[(int)Outcome.SetAside], counts[(int)Outcome.Skipped]);
        if (result.Seen > 0)
        {
            LogSwept(result.Fired, result.Stale, result.Retrying, result.SetAside, result.Skipped);
        }

        return result;
    }

    private async Task<Outcome> ProcessAsync(TableEntity row, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DeadlineEntry entry;
        RecordKey key;
        try
        {
            entry = DeadlineEntry.From(row);
            key = entry.Due.Key;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            // Only a row written by hand gets here; set it aside rather than trip over it on every sweep.
            await store.UpsertAsync(DeadlineIndex.Table, row with { PartitionKey = DeadlineIndex.StuckPartition, ETag = null, Properties = new Dictionary<string, object?>(row.Properties) { ["Reason"] = Describe(e), ["StuckAt"] = now } }, cancellationToken);
            await DeleteIfUnchangedAsync(row.RowKey, row.ETag, cancellationToken);
            return Outcome.SetAside;
        }

        var current = await records.GetDeadlineAsync(key, entry.Deadline, cancellationToken);
        if (current is not { Status: DeadlineStatus.Active } || current.Generation != entry.Generation)
        {
            // Fired, cancelled or reset since the row was written: the current generation has its own row.
            await DeleteIfUnchangedAsync(row.RowKey, row.ETag, cancellationToken);
            return Outcome.Stale;
        }

        var attempt = (int)(row.GetInt64("Attempts") ?? 0) + 1;
        var claimed = DeadlineIndex.DueRow(now + RetryDelay(attempt), entry, attempt, row.GetString("LastError"), now);
        string etag;
        try
        {
            var etags = await store.ExecuteBatchAsync(DeadlineIndex.Table, [TableOperation.Delete(row, row.ETag ?? "*"), TableOperation.Insert(claimed)], cancellationToken);
            etag = etags[1];
        }
        catch (TableStoreException e) when (e.Kind is TableErrorKind.NotFound or TableErrorKind.PreconditionFailed or TableErrorKind.Conflict)
        {
            return Outcome.Skipped; // another sweep claimed it first
        }

        try
        {
            using var timeout = new CancellationTokenSource(HandlerTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await router.HandleAsync(entry.Due, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The handler of '{entry.Action}' did not finish within {HandlerTimeout.TotalSeconds:0} s.");
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = Describe(e);
            if (attempt >= MaxAttempts)
            {
                // Upsert first: a crash in between leaves the row due as well, which only retries it once more.
                await store.UpsertAsync(DeadlineIndex.Table, DeadlineIndex.StuckRow(entry, attempt, reason, now), cancellationToken);
                await DeleteIfUnchangedAsync(claimed.RowKey, etag, cancellationToken);
                LogSetAside(e, entry.Record, entry.Deadline, entry.Generation, attempt);
                return Outcome.SetAside;
            }

            await RecordErrorAsync(claimed.RowKey, etag, reason, cancellationToken);
            LogRetrying(e, entry.Record, entry.Deadline, entry.Generation, attempt, now + RetryDelay(attempt));
            return Outcome.Retrying;
        }

        await DeleteIfUnchangedAsync(claimed.RowKey, etag, cancellationToken);
        LogFired(entry.Record, entry.Deadline, entry.Generation, entry.Action, attempt);
        return Outcome.Fired;
    }

    private async Task RecordErrorAsync(string rowKey, string etag, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await store.MergeAsync(DeadlineIndex.Table, new TableEntity(DeadlineIndex.DuePartition, rowKey, new Dictionary<string, object?> { ["LastError"] = reason }), etag, cancellationToken);
        }
        catch (TableStoreException e) when (e.Kind is TableErrorKind.NotFound or TableErrorKind.PreconditionFailed)
        {
            // Taken over by another sweep after the retry instant passed; the row stays due either way.
        }
    }

    private async Task DeleteIfUnchangedAsync(string rowKey, string? etag, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(DeadlineIndex.Table, DeadlineIndex.DuePartition, rowKey, etag ?? "*", cancellationToken);
        }
        catch (TableStoreException e) when (e.Kind is TableErrorKind.NotFound or TableErrorKind.PreconditionFailed)
        {
            // Another sweep took the row over; it decides what becomes of it.
        }
    }

    private static string Describe(Exception e)
    {
        var reason = $"{e.GetType().Name}: {e.Message}";
        return reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength];
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref tableReady) == 0)
        {
            await store.CreateTableIfNotExistsAsync(DeadlineIndex.Table, cancellationToken);
            Volatile.Write(ref tableReady, 1);
        }
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Deadline {Record}/{Deadline} (generation {Generation}) fired: {Action}, attempt {Attempt}")]
    private partial void LogFired(string record, string deadline, long generation, string action, int attempt);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Deadline {Record}/{Deadline} (generation {Generation}) failed on attempt {Attempt}; retrying at {RetryAt:o}")]
    private partial void LogRetrying(Exception exception, string record, string deadline, long generation, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Deadline {Record}/{Deadline} (generation {Generation}) set aside after {Attempts} failed attempts; see GET /api/operations/stuck-deadlines")]
    private partial void LogSetAside(Exception exception, string record, string deadline, long generation, int attempts);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Deadline sweep: {Fired} fired, {Stale} stale, {Retrying} to retry, {SetAside} set aside, {Skipped} taken by another sweep")]
    private partial void LogSwept(int fired, int stale, int retrying, int setAside, int skipped);
}

/// <summary>A deadline set aside after its handler kept failing, as an operator sees it.</summary>
public sealed record StuckDeadline(string Id, string Record, string Deadline, long Generation, string Action, DateTimeOffset DueAt, int Attempts, string Reason, DateTimeOffset StuckAt);

/// <summary>Lists the deadlines the sweep set aside and puts one back once its cause is fixed.</summary>
public sealed class StuckDeadlines(ITableStore store, TimeProvider time)
{
    public async Task<IReadOnlyList<StuckDeadline>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        await store.CreateTableIfNotExistsAsync(DeadlineIndex.Table, cancellationToken);
        var stuck = new List<StuckDeadline>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(DeadlineIndex.Table, TableQuery.Partition(DeadlineIndex.StuckPartition, Math.Min(max, 1000)), token, cancellationToken);
            stuck.AddRange(page.Entities.Select(ToStuck));
            token = page.ContinuationToken;
        }
        while (token is not null && stuck.Count < max);

        return stuck.Take(max).ToArray();
    }

    /// <summary>Makes a stuck deadline due now with a fresh count of attempts; false when there is no such stuck deadline.</summary>
    public async Task<bool> RetryAsync(string id, CancellationToken cancellationToken = default)
    {
        if (DeadlineIndex.RowKeyOf(id) is not { } rowKey)
        {
            return false;
        }

        await store.CreateTableIfNotExistsAsync(DeadlineIndex.Table, cancellationToken);
        TableEntity? row;
        try
        {
            row = await store.GetAsync(DeadlineIndex.Table, DeadlineIndex.StuckPartition, rowKey, cancellationToken);
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.InvalidInput)
        {
            return false; // decodes to something no row can be keyed by
        }

        if (row is null)
        {
            return false;
        }

        // Due row first: a crash in between leaves it both due and listed, never neither.
        await store.UpsertAsync(DeadlineIndex.Table, DeadlineIndex.DueRow(time.GetUtcNow(), DeadlineEntry.From(row)), cancellationToken);
        try
        {
            await store.DeleteAsync(DeadlineIndex.Table, DeadlineIndex.StuckPartition, rowKey, row.ETag ?? "*", cancellationToken);
        }
        catch (TableStoreException e) when (e.Kind is TableErrorKind.NotFound or TableErrorKind.PreconditionFailed)
        {
            // Retried by someone else at the same time, or set aside again already: either way it is due.
        }

        return true;
    }

    private static StuckDeadline ToStuck(TableEntity row)
    {
        return new StuckDeadline(
            DeadlineIndex.PublicId(row),
            row.GetString("Record") ?? "",
            row.GetString("Deadline") ?? "",
            row.GetInt64("Generation") ?? 0,
            row.GetString("Action") ?? "",
            row.GetDateTimeOffset("DueAt") ?? DateTimeOffset.MinValue,
            (int)(row.GetInt64("Attempts") ?? 0),
            row.GetString("Reason") ?? "",
            row.GetDateTimeOffset("StuckAt") ?? DateTimeOffset.MinValue);
    }
}
