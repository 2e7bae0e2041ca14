namespace Integration.Functions.Platform.Records;

/// <summary>
/// A read model of one record kind (a listing index, the project-supervision rows). The record store
/// runs it after every commit of that kind, and commits a projection marker with the change so that
/// a projection the process did not finish is redone by <see cref="RecordStore.ProjectPendingAsync"/>.
/// Projections must be idempotent and must never regress a row written from a newer record version.
/// </summary>
public interface IRecordProjection
{
    string Kind { get; }

    /// <summary>Reads the stored record and projects it (recovery path).</summary>
    Task ProjectStoredAsync(RecordStore records, RecordKey key, CancellationToken cancellationToken);
}

/// <summary>A projection of records whose state is <typeparamref name="T"/>: each flow writes only <see cref="ProjectAsync"/>.</summary>
public interface IRecordProjection<T> : IRecordProjection
{
    Task ProjectAsync(Record<T> record, CancellationToken cancellationToken);

    async Task IRecordProjection.ProjectStoredAsync(RecordStore records, RecordKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (await records.GetAsync<T>(key, cancellationToken) is { } record)
        {
            await ProjectAsync(record, cancellationToken);
        }
    }
}
