namespace Integration.Domain.Storage;

/// <summary>
/// A stored entity. Property values are one of: string, long, int, double, bool,
/// DateTimeOffset, Guid, byte[] (the types Azure Table storage keeps), or null (absent: not stored).
/// Int32 and Int64 stay distinct, and dates come back in UTC.
/// </summary>
public sealed record TableEntity(
    string PartitionKey,
    string RowKey,
    IReadOnlyDictionary<string, object?> Properties,
    string? ETag = null,
    DateTimeOffset? Timestamp = null)
{
    public TableEntity(string partitionKey, string rowKey)
        : this(partitionKey, rowKey, new Dictionary<string, object?>())
    {
    }

    public string? GetString(string name) => Properties.TryGetValue(name, out var v) ? v as string : null;

    public long? GetInt64(string name) => Properties.TryGetValue(name, out var v) ? v switch
    {
        long l => l,
        int i => i,
        _ => null,
    } : null;

    public bool? GetBoolean(string name) => Properties.TryGetValue(name, out var v) && v is bool b ? b : null;

    public DateTimeOffset? GetDateTimeOffset(string name) => Properties.TryGetValue(name, out var v) && v is DateTimeOffset d ? d : null;
}

/// <summary>One page of query results.</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, string? ContinuationToken);

/// <summary>
/// A query the two adapters can both answer: an optional exact partition, an optional
/// row-key range [RowKeyFrom, RowKeyTo) and optional property equality filters.
/// A filter matches a stored value of the same type only (an int does not find a long); null cannot be filtered on.
/// Without a partition it scans the table (use sparingly).
/// </summary>
public sealed record TableQuery
{
    public string? PartitionKey { get; init; }
    public string? RowKeyFrom { get; init; }
    public string? RowKeyTo { get; init; }
    public IReadOnlyDictionary<string, object?> PropertyEquals { get; init; } = new Dictionary<string, object?>();
    /// <summary>At most this many entities per page: 1 to 1000.</summary>
    public int PageSize { get; init; } = 100;

    public static TableQuery Partition(string partitionKey, int pageSize = 100) => new() { PartitionKey = partitionKey, PageSize = pageSize };

    /// <summary>Row keys starting with <paramref name="prefix"/> (within a partition when one is given).</summary>
    public static TableQuery RowKeyPrefix(string? partitionKey, string prefix, int pageSize = 100) => new()
    {
        PartitionKey = partitionKey,
        RowKeyFrom = prefix,
        RowKeyTo = PrefixEnd(prefix),
        PageSize = pageSize,
    };

    /// <summary>
    /// The least string above every string that starts with <paramref name="prefix"/>, or null when there is none.
    /// Bumping the last character (rather than appending '\uffff') also bounds keys that continue with '\uffff'
    /// or with a character outside the Basic Multilingual Plane, whichever of UTF-16 or UTF-8 order the store uses.
    /// </summary>
    private static string? PrefixEnd(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != char.MaxValue)
            {
                return prefix[..i] + (char)(prefix[i] + 1);
            }
        }

        return null;
    }
}

public enum TableOperationKind
{
    Insert,
    Replace,
    Merge,
    Upsert,
    Delete,
}

/// <summary>One operation of an atomic batch. <see cref="IfMatch"/> applies to replace, merge and delete ("*" for any).</summary>
public sealed record TableOperation(TableOperationKind Kind, TableEntity Entity, string IfMatch = "*")
{
    public static TableOperation Insert(TableEntity entity) => new(TableOperationKind.Insert, entity);
    public static TableOperation Replace(TableEntity entity, string ifMatch) => new(TableOperationKind.Replace, entity, ifMatch);
    public static TableOperation Merge(TableEntity entity, string ifMatch) => new(TableOperationKind.Merge, entity, ifMatch);
    public static TableOperation Upsert(TableEntity entity) => new(TableOperationKind.Upsert, entity);
    public static TableOperation Delete(TableEntity entity, string ifMatch) => new(TableOperationKind.Delete, entity, ifMatch);
}

public enum TableErrorKind
{
    NotFound,
    Conflict,
    PreconditionFailed,
    InvalidBatch,
    InvalidInput,
    Unavailable,
}

public sealed class TableStoreException : Exception
{
    public TableStoreException(TableErrorKind kind, string message, int? failedOperationIndex = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        FailedOperationIndex = failedOperationIndex;
    }

    public TableStoreException()
        : this(TableErrorKind.Unavailable, "Table store error.")
    {
    }

    public TableStoreException(string message)
        : this(TableErrorKind.Unavailable, message)
    {
    }

    public TableStoreException(string message, Exception innerException)
        : this(TableErrorKind.Unavailable, message, null, innerException)
    {
    }

    public TableErrorKind Kind { get; }

    public int? FailedOperationIndex { get; }
}
