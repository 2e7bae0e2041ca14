using System.Globalization;
using System.Text.Json;
using Integration.Domain.Audit;
using Integration.Domain.Messaging;
using Integration.Domain.Storage;

namespace Integration.Functions.Platform.Records;

/// <summary>
/// Persisted state machines, the platform's answer to Durable Task. A record's rows share one
/// partition of the <c>Records</c> table — its state, its hash-chained history, its outbox and its
/// deadlines — so every transition is one atomic batch (one SQLite transaction; one entity-group
/// transaction on Table storage). Concurrent writers are ordered by the state row's ETag: the
/// loser re-reads and decides again. Messages are published, and deadlines entered in the
/// <see cref="DeadlineIndex"/>, after the commit by the outbox.
/// </summary>
public sealed class RecordStore(
    ITableStore store,
    OutboxDispatcher outbox,
    TimeProvider time,
    IEnumerable<IRecordProjection>? projections = null,
    ILogger<RecordStore>? logger = null)
{
    public const string Table = "Records";
    private const string StateRow = "state";
    private const string ProjectionRow = "p";
    /// <summary>Enough for a few dozen writers on one record; beyond it the caller is told to re-read and retry.</summary>
    private const int MaxAttempts = 16;

    /// <summary>The most operations one entity-group transaction on Table storage takes; a larger transition goes through a <see cref="RecordJournal"/>.</summary>
    public const int MaxBatch = 100;

    private readonly Dictionary<string, IRecordProjection> projectionsByKind =
        (projections ?? []).ToDictionary(p => p.Kind, StringComparer.Ordinal);

    private int tableReady;

    public async Task<Record<T>?> GetAsync<T>(RecordKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await EnsureTableAsync(cancellationToken);
        var state = await store.GetAsync(Table, key.PartitionKey, StateRow, cancellationToken);
        if (state?.GetInt64("Journal") is not null && await RollForwardAsync(key, cancellationToken))
        {
            // Its last transition was still being written out: read it as written.
            state = await store.GetAsync(Table, key.PartitionKey, StateRow, cancellationToken);
        }

        return state is null ? null : await ToRecordAsync<T>(key, state, cancellationToken);
    }

    /// <summary>
    /// Writes out the rest of a transition whose journal is still there (a crash, or a writer still at it); true when
    /// there was one. Rows are only ever read after this, so nobody acts on deadlines the transition changed.
    /// </summary>
    private async Task<bool> RollForwardAsync(RecordKey key, CancellationToken cancellationToken)
    {
        var journal = await store.GetAsync(Table, key.PartitionKey, RecordJournal.RowKey, cancellationToken);
        if (journal is null)
        {
            return false;
        }

        await RecordJournal.RollForwardAsync(store, Table, journal, CancellationToken.None);
        return true;
    }

    /// <summary>Rolls forward every journal left by a crash; run at start-up and with the outbox sweep; returns how many.</summary>
    public async Task<int> RollForwardPendingAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var query = new TableQuery { PropertyEquals = new Dictionary<string, object?> { ["RowType"] = "journal" }, PageSize = 100 };
        var journals = new List<TableEntity>();
        await foreach (var row in ReadAllAsync(query, cancellationToken))
        {
            journals.Add(row);
        }

        foreach (var journal in journals)
        {
            await RecordJournal.RollForwardAsync(store, Table, journal, cancellationToken);
        }

        return journals.Count;
    }

    /// <summary>Creates the record with its first history entry; throws <see cref="RecordExistsException"/> if it exists.</summary>
    public async Task<CommitResult<T>> CreateAsync<T>(RecordKey key, Change<T> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(change);
        await EnsureTableAsync(cancellationToken);
        try
        {
            return await CommitAsync(key, current: null, change, cancellationToken);
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.Conflict && e.FailedOperationIndex is null or 0)
        {
            throw new RecordExistsException(key);
        }
    }

    /// <summary>
    /// Reads the record, asks <paramref name="decide"/> for a change (null: nothing to do) and commits
    /// it; when another writer got there first, reads again and asks again.
    /// </summary>
    public async Task<CommitResult<T>> UpdateAsync<T>(RecordKey key, Func<Record<T>, Change<T>?> decide, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(decide);
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetAsync<T>(key, cancellationToken) ?? throw new RecordNotFoundException(key);
            var change = decide(current);
            if (change is null)
            {
                return new CommitResult<T>(current, false, null);
            }

            try
            {
                return await CommitAsync(key, current, change, cancellationToken);
            }
            catch (TableStoreException e) when (e.Kind is TableErrorKind.PreconditionFailed or TableErrorKind.Conflict)
            {
                // Another writer committed first; decide again on its result, after a jittered pause so
                // the writers that collided spread out instead of colliding again.
                if (attempt >= MaxAttempts)
                {
                    throw new ConcurrentUpdateException(key, attempt, e);
                }

                await Task.Delay(ConcurrentUpdateBackoff.Delay(attempt), cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<AuditEntry>> HistoryAsync(RecordKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await EnsureTableAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        await foreach (var row in ReadAllAsync(TableQuery.RowKeyPrefix(key.PartitionKey, RecordRows.HistoryPrefix, 1000), cancellationToken))
        {
            entries.Add(RecordRows.ToEntry(row));
        }

        return entries;
    }

    /// <summary>Every active provisional deadline of every record, for recounting on a new calendar.</summary>
    public async IAsyncEnumerable<(RecordKey Key, Deadline Deadline)> ProvisionalDeadlinesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var query = new TableQuery
        {
            PropertyEquals = new Dictionary<string, object?> { ["RowType"] = "deadline", ["Provisional"] = true, ["Status"] = "active" },
            PageSize = 500,
        };
        await foreach (var row in ReadAllAsync(query, cancellationToken))
        {
            yield return (KeyOf(row), RecordRows.ToDeadline(row));
        }
    }

    /// <summary>Every record of a kind (a scan: used by listings until they get their own index).</summary>
    public async IAsyncEnumerable<Record<T>> ScanAsync<T>(string kind, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var query = new TableQuery
        {
            PropertyEquals = new Dictionary<string, object?> { ["RowType"] = "state", ["Kind"] = kind },
            PageSize = 500,
        };
        await foreach (var row in ReadAllAsync(query, cancellationToken))
        {
            yield return await ToRecordAsync<T>(KeyOf(row), row, cancellationToken);
        }
    }

    internal static RecordKey KeyOf(TableEntity row) =>
        new(row.GetString("Kind") ?? row.PartitionKey[..row.PartitionKey.IndexOf('|', StringComparison.Ordinal)],
            row.GetString("Id") ?? row.PartitionKey[(row.PartitionKey.IndexOf('|', StringComparison.Ordinal) + 1)..]);

    private async Task<CommitResult<T>> CommitAsync<T>(RecordKey key, Record<T>? current, Change<T> change, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entry = AuditChain.Next(key.PartitionKey, current?.LastEntry, now, change.Principal, change.Action, AuditData(key, current, change));
        var pk = key.PartitionKey;
        var version = (current?.Version ?? 0) + 1;
        var stateJson = JsonSerializer.Serialize(change.State, RecordJson.Options);
        var operations = new List<TableOperation>();

        var stateProperties = new Dictionary<string, object?>
        {
            ["RowType"] = "state",
            ["Kind"] = key.Kind,
            ["Id"] = key.Id,
            ["Version"] = version,
            ["LastSeq"] = entry.Sequence,
            ["LastHash"] = entry.Hash,
            ["UpdatedAt"] = now,
        };
        LongText.Put(stateProperties, "State", stateJson);
        var stateRow = new TableEntity(pk, StateRow, stateProperties);
        var stateOperation = current is null ? TableOperation.Insert(stateRow) : TableOperation.Replace(stateRow, current.ETag);
        var historyOperation = TableOperation.Insert(RecordRows.HistoryRow(pk, entry));

        var outboxRows = new List<TableEntity>();
        var index = 0;
        foreach (var message in change.Messages)
        {
            var id = message.MessageId ?? $"{pk}:{entry.Sequence}:{index}";
            index++;
            outboxRows.Add(RecordRows.OutboxRow(pk, message.Topic, new TopicMessage
            {
                MessageId = id,
                Subject = message.Subject,
                Body = JsonSerializer.Serialize(message.Body, RecordJson.Options),
                CorrelationId = pk,
                ApplicationProperties = message.Properties ?? new Dictionary<string, string>(),
                ScheduledEnqueueTime = message.ScheduledFor,
            }));
        }

        var deadlines = (current?.Deadlines ?? []).ToDictionary(d => d.Name);
        foreach (var name in change.Cancel.Concat(change.Fired).Distinct())
        {
            if (deadlines.TryGetValue(name, out var existing) && existing.Status == DeadlineStatus.Active)
            {
                deadlines[name] = existing with { Status = change.Fired.Contains(name) ? DeadlineStatus.Fired : DeadlineStatus.Cancelled };
                operations.Add(TableOperation.Upsert(RecordRows.DeadlineRow(pk, deadlines[name])));
            }
        }

        foreach (var schedule in change.Schedule)
        {
            var generation = (deadlines.GetValueOrDefault(schedule.Name)?.Generation ?? 0) + 1;
            var deadline = new Deadline(schedule.Name, schedule.Action, schedule.DueAt, DeadlineStatus.Active, generation, schedule.Provisional, schedule.Basis, schedule.Data);
            deadlines[schedule.Name] = deadline;
            operations.Add(TableOperation.Upsert(RecordRows.DeadlineRow(pk, deadline)));
            outboxRows.Add(RecordRows.DeadlineIndexOutboxRow(pk, DeadlineEntry.For(key, deadline)));
        }

        operations.AddRange(outboxRows.Select(TableOperation.Insert));
        var projection = projectionsByKind.GetValueOrDefault(key.Kind) as IRecordProjection<T>;
        var marker = projection is null ? null : TableOperation.Upsert(ProjectionMarker(key, version));
        string stateETag;
        string? markerETag;
        var written = true;
        if (operations.Count + 2 + (marker is null ? 0 : 1) <= MaxBatch)
        {
            operations.Insert(0, stateOperation);
            operations.Insert(1, historyOperation);
            if (marker is not null)
            {
                operations.Add(marker);
            }

            var etags = await store.ExecuteBatchAsync(Table, operations, cancellationToken);
            (stateETag, markerETag) = (etags[0], marker is null ? null : etags[^1]);
        }
        else
        {
            // Too many rows for one transaction: the state, its history entry and a journal of the other rows commit
            // together, and the journal is rolled forward now (and by any reader, or the sweep, should this stop here).
            stateProperties["Journal"] = entry.Sequence;
            var journal = RecordJournal.Entity(key, entry.Sequence, operations.Select(o => o.Entity).ToArray());
            TableOperation[] first = marker is null
                ? [stateOperation, historyOperation, TableOperation.Insert(journal)]
                : [stateOperation, historyOperation, TableOperation.Insert(journal), marker];
            var etags = await store.ExecuteBatchAsync(Table, first, cancellationToken);
            (stateETag, markerETag) = (etags[0], marker is null ? null : etags[3]);
            try
            {
                await RecordJournal.RollForwardAsync(store, Table, journal with { ETag = etags[2] }, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Committed: the journal stays, and the next reader of the record or the sweep writes the rest, outbox rows
                // included, which the outbox sweep then publishes.
                written = false;
                logger?.LogWarning(e, "Writing out {Record} version {Version} failed; its journal stays for the next reader or the sweep", key, version);
            }
        }

        // Committed. What follows must not depend on the caller still waiting: a client that hangs up
        // now must not leave messages unsent or listings unwritten, so none of it takes the request's token.
        if (written)
        {
            await outbox.DispatchAsync(outboxRows, CancellationToken.None);
        }

        var record = new Record<T>(key, change.State, version, stateETag, entry, deadlines.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToArray());
        if (projection is not null)
        {
            await ProjectAfterCommitAsync(projection, record, markerETag!);
        }

        return new CommitResult<T>(record, true, entry);
    }

    /// <summary>
    /// Redoes the projections whose marker is still there: a crash (or a failed write) between a
    /// commit and its projection. Run at start-up and with the outbox sweep; returns how many.
    /// </summary>
    public async Task<int> ProjectPendingAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var query = new TableQuery { PropertyEquals = new Dictionary<string, object?> { ["RowType"] = "projection" }, PageSize = 500 };
        var markers = new List<TableEntity>();
        await foreach (var row in ReadAllAsync(query, cancellationToken))
        {
            markers.Add(row);
        }

        var projected = 0;
        foreach (var marker in markers)
        {
            var key = KeyOf(marker);
            if (projectionsByKind.TryGetValue(key.Kind, out var projection))
            {
                await projection.ProjectStoredAsync(this, key, cancellationToken);
                await ClearMarkerAsync(key, marker.ETag ?? "*", cancellationToken);
                projected++;
            }
        }

        return projected;
    }

    private async Task ProjectAfterCommitAsync<T>(IRecordProjection<T> projection, Record<T> record, string markerETag)
    {
        try
        {
            await projection.ProjectAsync(record, CancellationToken.None);
            await ClearMarkerAsync(record.Key, markerETag, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The change is committed and its marker stays: the sweep projects it again.
            logger?.LogWarning(e, "Projecting {Record} version {Version} failed; the sweep will redo it", record.Key, record.Version);
        }
    }

    /// <summary>Removes the marker unless a newer commit has replaced it (its projection then clears it).</summary>
    private async Task ClearMarkerAsync(RecordKey key, string etag, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(Table, key.PartitionKey, ProjectionRow, etag, cancellationToken);
        }
        catch (TableStoreException e) when (e.Kind is TableErrorKind.NotFound or TableErrorKind.PreconditionFailed)
        {
        }
    }

    private static TableEntity ProjectionMarker(RecordKey key, long version) => new(key.PartitionKey, ProjectionRow, new Dictionary<string, object?>
    {
        ["RowType"] = "projection",
        ["Kind"] = key.Kind,
        ["Id"] = key.Id,
        ["Version"] = version,
    });

    /// <summary>The deadline as stored now, or null when the record or the deadline does not exist.</summary>
    public async Task<Deadline?> GetDeadlineAsync(RecordKey key, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(name);
        await EnsureTableAsync(cancellationToken);
        await RollForwardAsync(key, cancellationToken);
        var row = await store.GetAsync(Table, key.PartitionKey, RecordRows.DeadlinePrefix + name, cancellationToken);
        return row is null ? null : RecordRows.ToDeadline(row);
    }

    /// <summary>Every active deadline of every record (a scan: for building the due-index once, on upgrade).</summary>
    public async IAsyncEnumerable<(RecordKey Key, Deadline Deadline)> ActiveDeadlinesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var query = new TableQuery
        {
            PropertyEquals = new Dictionary<string, object?> { ["RowType"] = "deadline", ["Status"] = "active" },
            PageSize = 500,
        };
        await foreach (var row in ReadAllAsync(query, cancellationToken))
        {
            yield return (KeyOf(row), RecordRows.ToDeadline(row));
        }
    }

    private static string AuditData<T>(RecordKey key, Record<T>? current, Change<T> change)
    {
        // Where a change sent things is part of what happened (去向可查).
        var data = new Dictionary<string, object?>
        {
            ["details"] = change.Details,
            ["fromVersion"] = current?.Version ?? 0,
        };
        if (change.Messages.Count > 0)
        {
            data["messages"] = change.Messages.Select(m => new { topic = m.Topic, subject = m.Subject, properties = m.Properties }).ToArray();
        }

        if (change.Schedule.Count > 0)
        {
            data["deadlines"] = change.Schedule.Select(s => new { name = s.Name, action = s.Action, dueAt = s.DueAt, provisional = s.Provisional }).ToArray();
        }

        if (change.Cancel.Count > 0)
        {
            data["cancelled"] = change.Cancel;
        }

        if (change.Fired.Count > 0)
        {
            data["fired"] = change.Fired;
        }

        _ = key;
        return JsonSerializer.Serialize(data, RecordJson.Options);
    }

    private async Task<Record<T>> ToRecordAsync<T>(RecordKey key, TableEntity state, CancellationToken cancellationToken)
    {
        var deadlines = new List<Deadline>();
        await foreach (var row in ReadAllAsync(TableQuery.RowKeyPrefix(key.PartitionKey, RecordRows.DeadlinePrefix), cancellationToken))
        {
            deadlines.Add(RecordRows.ToDeadline(row));
        }

        var lastSeq = state.GetInt64("LastSeq") ?? 0;
        var last = await store.GetAsync(Table, key.PartitionKey, RecordRows.HistoryKey(lastSeq), cancellationToken)
            ?? throw new InvalidOperationException($"{key}: history entry {lastSeq} is missing.");
        var value = JsonSerializer.Deserialize<T>(LongText.Get(state, "State") ?? "null", RecordJson.Options)
            ?? throw new InvalidOperationException($"{key}: the stored state is empty.");
        return new Record<T>(key, value, state.GetInt64("Version") ?? 0, state.ETag ?? "*", RecordRows.ToEntry(last), deadlines);
    }

    private async IAsyncEnumerable<TableEntity> ReadAllAsync(TableQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await store.QueryAsync(Table, query, token, cancellationToken);
            foreach (var row in page.Entities)
            {
                yield return row;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref tableReady) == 0)
        {
            await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
            Volatile.Write(ref tableReady, 1);
        }
    }
}
