namespace Integration.Domain.Storage;

/// <summary>
/// Entities keyed by partition and row, with Azure Table storage semantics: point reads,
/// paged partition queries, optimistic concurrency by ETag and atomic single-partition batches.
/// The embedded SQLite adapter and the Azure Table storage adapter pass the same contract tests.
/// Table names, keys and property names follow Azure's rules; a breach throws <see cref="TableErrorKind.InvalidInput"/>
/// before anything is sent or written. Tables need not be created first: a table that was never written reads as empty.
/// </summary>
public interface ITableStore
{
    /// <summary>Creates the table if it does not exist. Table names: letters and digits, 3–63 characters, starting with a letter.</summary>
    Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>Returns the entity, or null when there is none.</summary>
    Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of a query, in (PartitionKey, RowKey) order. Pass the previous page's
    /// <see cref="TablePage.ContinuationToken"/> to read the next; null means the query is done.
    /// A page may hold fewer than <see cref="TableQuery.PageSize"/> entities, even none, while a token
    /// still follows (Azure cuts pages at its own limits), so read until the token is null.
    /// </summary>
    Task<TablePage> QueryAsync(string table, TableQuery query, string? continuationToken = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts; throws <see cref="TableStoreException"/> with <see cref="TableErrorKind.Conflict"/> when the entity exists. Returns the new ETag.</summary>
    Task<string> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Replaces all properties. ETag "*" matches any version; a mismatch throws <see cref="TableErrorKind.PreconditionFailed"/>, a missing entity <see cref="TableErrorKind.NotFound"/>.</summary>
    Task<string> ReplaceAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Merges the given properties into the stored ones, with the same ETag rules as replace. Null values are ignored: a merge cannot remove a property.</summary>
    Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces without a precondition. Returns the new ETag.</summary>
    Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Deletes with the same ETag rules as replace.</summary>
    Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies up to 100 operations on one partition of one table atomically: all or none.
    /// A failing operation throws <see cref="TableStoreException"/> whose <see cref="TableStoreException.FailedOperationIndex"/> names it.
    /// Returns the new ETag of each operation (empty for deletes), in order.
    /// </summary>
    Task<IReadOnlyList<string>> ExecuteBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Cheap round trip to the store, for health checks; throws when it cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}
