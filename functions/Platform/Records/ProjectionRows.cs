using Integration.Domain.Storage;

namespace Integration.Functions.Platform.Records;

/// <summary>Writes read-model rows so that concurrent projections never replace a row derived from a newer record version.</summary>
public static class ProjectionRows
{
    private const int MaxAttempts = 8;

    /// <param name="entity">Must carry a <c>RecordVersion</c> property equal to <paramref name="recordVersion"/>.</param>
    public static async Task WriteIfNewerAsync(ITableStore store, string table, TableEntity entity, long recordVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(entity);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await store.GetAsync(table, entity.PartitionKey, entity.RowKey, cancellationToken);
            if (existing?.GetInt64("RecordVersion") >= recordVersion)
            {
                return;
            }

            try
            {
                if (existing is null)
                {
                    await store.InsertAsync(table, entity, cancellationToken);
                }
                else
                {
                    await store.ReplaceAsync(table, entity, existing.ETag ?? "*", cancellationToken);
                }

                return;
            }
            catch (TableStoreException e) when (e.Kind is TableErrorKind.Conflict or TableErrorKind.PreconditionFailed && attempt < MaxAttempts)
            {
                // Another projection got there first; look again at what it wrote.
            }
        }
    }

    /// <summary>
    /// The rows of one partition of a read model in row-key order, after <paramref name="after"/> (exclusive): how every
    /// listing pages through its index. The caller stops reading when its page is full.
    /// </summary>
    public static async IAsyncEnumerable<TableEntity> ReadAfterAsync(
        ITableStore store, string table, string partition, string? after, int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var query = new TableQuery { PartitionKey = partition, RowKeyFrom = after, PageSize = pageSize };
        string? token = null;
        do
        {
            var page = await store.QueryAsync(table, query, token, cancellationToken);
            foreach (var row in page.Entities)
            {
                // RowKeyFrom is inclusive; the token names the last row the caller already has.
                if (after is null || string.CompareOrdinal(row.RowKey, after) > 0)
                {
                    yield return row;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
