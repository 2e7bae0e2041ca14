using System.Text.Json;
using Integration.Domain.Reports.Meetings;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Reports.Meetings;

/// <summary>
/// The listing index of the meetings' action items, so neither <c>GET /api/meetings/actions</c> nor the coordination report
/// opens every meeting: one row per item in partition <c>all</c> and one in <c>owner|{department}</c>, ordered by item id,
/// each carrying the item, so status and overdue are judged on the current calendar. Written after each commit of a meeting.
/// </summary>
public sealed class MeetingActionIndex(ITableStore store) : IRecordProjection<MeetingState>
{
    public const string Table = "MeetingActionIndex";
    public const string AllPartition = "all";

    private int tableReady;

    public string Kind => MeetingMachine.Kind;

    public static string OwnerPartition(string department) => "owner|" + department;

    public async Task ProjectAsync(Record<MeetingState> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureTableAsync(cancellationToken);
        foreach (var item in record.State.ActionItems)
        {
            var json = JsonSerializer.Serialize(item, RecordJson.Options);
            foreach (var partition in new[] { AllPartition, OwnerPartition(item.Owner) })
            {
                var properties = new Dictionary<string, object?> { ["RecordVersion"] = record.Version };
                LongText.Put(properties, "Item", json);
                await ProjectionRows.WriteIfNewerAsync(store, Table, new TableEntity(partition, item.Id, properties), record.Version, cancellationToken);
            }
        }
    }

    /// <summary>The items of a partition in id order, after <paramref name="after"/> (exclusive); the caller stops when its page is full.</summary>
    public async IAsyncEnumerable<ActionItem> ReadAsync(
        string partition, string? after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await foreach (var row in ProjectionRows.ReadAfterAsync(store, Table, partition, after, 500, cancellationToken))
        {
            yield return JsonSerializer.Deserialize<ActionItem>(LongText.Get(row, "Item") ?? "null", RecordJson.Options)
                ?? throw new InvalidOperationException($"Action item index row {row.PartitionKey}/{row.RowKey} has no item.");
        }
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
