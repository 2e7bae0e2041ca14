using System.Text.Json;
using Integration.Domain.Messaging;
using Integration.Domain.Storage;

namespace Integration.Functions.Platform.Records;

/// <summary>
/// Carries out committed outbox rows and then deletes them: messages are published to their topics,
/// deadline entries are upserted into the <see cref="DeadlineIndex"/>. A crash between the commit and
/// the delete leaves the rows behind; <see cref="SweepAsync"/> (run at start-up and periodically)
/// carries them out again, and the topic's duplicate detection, the consumers' dedup by MessageId and
/// the index's upsert by deadline generation absorb any repeat.
/// </summary>
public sealed class OutboxDispatcher(ITableStore store, ITopicPublisher publisher, ILogger<OutboxDispatcher> logger)
{
    public async Task DispatchAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        try
        {
            await PublishAsync(rows, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The change is committed; the sweep will publish what is left.
            logger.OutboxRetry(e, rows.Count, rows.FirstOrDefault()?.PartitionKey);
        }
    }

    /// <summary>Publishes every outbox row left behind; returns how many were published.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        await store.CreateTableIfNotExistsAsync(RecordStore.Table, cancellationToken);
        var query = new TableQuery { PropertyEquals = new Dictionary<string, object?> { ["RowType"] = "outbox" }, PageSize = 500 };
        var published = 0;
        string? token = null;
        do
        {
            var page = await store.QueryAsync(RecordStore.Table, query, token, cancellationToken);
            await PublishAsync(page.Entities, cancellationToken);
            published += page.Entities.Count;
            token = page.ContinuationToken;
        }
        while (token is not null);

        return published;
    }

    /// <summary>
    /// One publish transaction per topic, one index batch per hundred deadlines and one delete batch
    /// per record, rather than two writes per row: each is a flushed commit, and they dominate the
    /// cost of a transition.
    /// </summary>
    private async Task PublishAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        var deadlines = new List<DeadlineEntry>();
        var messages = new List<TableEntity>();
        foreach (var row in rows)
        {
            if (row.GetString("Index") == DeadlineIndex.Table)
            {
                deadlines.Add(DeadlineEntry.From(row));
            }
            else if (TopicOf(row) == LegacyDeadlineTopic)
            {
                deadlines.Add(LegacyDeadline(row));
            }
            else
            {
                messages.Add(row);
            }
        }

        foreach (var topic in messages.GroupBy(TopicOf))
        {
            await publisher.PublishBatchAsync(topic.Key, topic.Select(MessageOf).ToArray(), cancellationToken);
        }

        if (deadlines.Count > 0)
        {
            await store.CreateTableIfNotExistsAsync(DeadlineIndex.Table, cancellationToken);
            foreach (var chunk in deadlines.Chunk(100))
            {
                await store.ExecuteBatchAsync(DeadlineIndex.Table, chunk.Select(d => TableOperation.Upsert(DeadlineIndex.DueRow(d.DueAt, d))).ToArray(), cancellationToken);
            }
        }

        foreach (var record in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in record.Chunk(100))
            {
                await DeleteAsync(chunk, cancellationToken);
            }
        }
    }

    private async Task DeleteAsync(TableEntity[] rows, CancellationToken cancellationToken)
    {
        try
        {
            await store.ExecuteBatchAsync(RecordStore.Table, rows.Select(r => TableOperation.Delete(r, "*")).ToArray(), cancellationToken);
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.NotFound)
        {
            // A sweep running at the same time published and deleted some of them; delete the rest one by one.
            foreach (var row in rows)
            {
                try
                {
                    await store.DeleteAsync(RecordStore.Table, row.PartitionKey, row.RowKey, "*", cancellationToken);
                }
                catch (TableStoreException again) when (again.Kind == TableErrorKind.NotFound)
                {
                }
            }
        }
    }

    /// <summary>
    /// Deadlines were once woken by scheduled messages on this topic; an outbox row for it left by an
    /// older version (committed, not yet published) becomes an index entry instead.
    /// </summary>
    private const string LegacyDeadlineTopic = "deadlines";

    private static DeadlineEntry LegacyDeadline(TableEntity row)
    {
        var due = JsonSerializer.Deserialize<DeadlineDue>(MessageOf(row).Body, RecordJson.Options)
            ?? throw new InvalidOperationException($"Outbox row {row.PartitionKey}/{row.RowKey} has no deadline.");
        return new DeadlineEntry(due.Record, due.Deadline, due.Generation, due.Action, due.DueAt);
    }

    private static string TopicOf(TableEntity row) =>
        row.GetString("Topic") ?? throw new InvalidOperationException($"Outbox row {row.PartitionKey}/{row.RowKey} has no topic.");

    private static TopicMessage MessageOf(TableEntity row) =>
        JsonSerializer.Deserialize<TopicMessage>(LongText.Get(row, "Message") ?? "null", RecordJson.Options)
            ?? throw new InvalidOperationException($"Outbox row {row.PartitionKey}/{row.RowKey} has no message.");
}
