using System.Text.Json;
using Integration.Domain.Messaging;
using Integration.Domain.Storage;

namespace Integration.Functions.Platform.Records;

/// <summary>
/// Publishes committed outbox rows to their topics and then deletes them. A crash between the
/// commit and the delete leaves the rows behind; <see cref="SweepAsync"/> (run at start-up and
/// periodically) publishes them again, and the topic's duplicate detection and the consumers'
/// dedup by MessageId absorb any repeat.
/// </summary>
public sealed class OutboxDispatcher(ITableStore store, ITopicPublisher publisher, ILogger<OutboxDispatcher> logger)
{
    public async Task DispatchAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            try
            {
                await PublishAsync(row, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The change is committed; the sweep will publish what is left.
                logger.LogWarning(e, "Publishing outbox row {Partition}/{Row} failed; the sweep will retry", row.PartitionKey, row.RowKey);
            }
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
            foreach (var row in page.Entities)
            {
                await PublishAsync(row, cancellationToken);
                published++;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        return published;
    }

    private async Task PublishAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var topic = row.GetString("Topic") ?? throw new InvalidOperationException($"Outbox row {row.PartitionKey}/{row.RowKey} has no topic.");
        var message = JsonSerializer.Deserialize<TopicMessage>(LongText.Get(row, "Message") ?? "null", RecordJson.Options)
            ?? throw new InvalidOperationException($"Outbox row {row.PartitionKey}/{row.RowKey} has no message.");
        await publisher.PublishAsync(topic, message, cancellationToken);
        try
        {
            await store.DeleteAsync(RecordStore.Table, row.PartitionKey, row.RowKey, "*", cancellationToken);
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.NotFound)
        {
            // Published and deleted by a sweep running at the same time.
        }
    }
}
