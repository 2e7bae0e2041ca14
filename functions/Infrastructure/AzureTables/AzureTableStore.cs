using System.Collections.Concurrent;
using System.Globalization;
using Integration.Domain.Storage;
using Sdk = Microsoft.Azure.Cosmos.Table;

namespace Integration.Functions.Infrastructure.AzureTables;

/// <summary>
/// <see cref="ITableStore"/> on Azure Table storage (or Azurite). Tables are created on first use
/// and remembered per name, so callers need not provision them. Pages may hold fewer entities than
/// asked for while a continuation token still follows: the service cuts pages at its own limits.
/// </summary>
public sealed class AzureTableStore : ITableStore
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    private readonly Sdk.CloudTableClient client;
    private readonly ConcurrentDictionary<string, Lazy<Task>> createdTables = new(StringComparer.OrdinalIgnoreCase);

    public AzureTableStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var account = Sdk.CloudStorageAccount.Parse(connectionString);
        client = Sdk.CloudStorageAccountExtensions.CreateCloudTableClient(account, new Sdk.TableClientConfiguration());
    }

    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) =>
        await GetTableAsync(table, cancellationToken);

    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateKey(partitionKey, "partition key");
        TableStoreValidation.ValidateKey(rowKey, "row key");
        var cloudTable = await GetTableAsync(table, cancellationToken);
        var result = await ExecuteAsync(cloudTable, Sdk.TableOperation.Retrieve<Sdk.DynamicTableEntity>(partitionKey, rowKey), cancellationToken);
        return result.Result is Sdk.DynamicTableEntity entity ? FromSdk(entity) : null;
    }

    public async Task<TablePage> QueryAsync(string table, TableQuery query, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateQuery(query);
        Sdk.TableContinuationToken? token = null;
        if (continuationToken is not null)
        {
            var parts = ContinuationTokens.Decode(continuationToken, 3);
            token = new Sdk.TableContinuationToken { NextPartitionKey = parts[0], NextRowKey = parts[1], NextTableName = parts[2] };
        }

        var cloudTable = await GetTableAsync(table, cancellationToken);
        var sdkQuery = new Sdk.TableQuery<Sdk.DynamicTableEntity>().Take(query.PageSize);
        var filter = BuildFilter(query);
        if (filter is not null)
        {
            sdkQuery = sdkQuery.Where(filter);
        }

        try
        {
            var segment = await cloudTable.ExecuteQuerySegmentedAsync(sdkQuery, token, null, null, cancellationToken);
            var next = segment.ContinuationToken is { } t
                ? ContinuationTokens.Encode(t.NextPartitionKey, t.NextRowKey, t.NextTableName)
                : null;
            return new TablePage(segment.Results.Select(FromSdk).ToList(), next);
        }
        catch (Sdk.StorageException ex)
        {
            throw Translate(ex, table, batch: false);
        }
    }

    public async Task<string> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateEntity(entity);
        var cloudTable = await GetTableAsync(table, cancellationToken);
        var result = await ExecuteAsync(cloudTable, Sdk.TableOperation.Insert(ToSdk(entity, null)), cancellationToken);
        return result.Etag;
    }

    public async Task<string> ReplaceAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateEntity(entity);
        TableStoreValidation.ValidateIfMatch(ifMatch);
        var cloudTable = await GetTableAsync(table, cancellationToken);
        var result = await ExecuteAsync(cloudTable, Sdk.TableOperation.Replace(ToSdk(entity, ifMatch)), cancellationToken);
        return result.Etag;
    }

    public async Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateEntity(entity);
        TableStoreValidation.ValidateIfMatch(ifMatch);
        var cloudTable = await GetTableAsync(table, cancellationToken);
        var result = await ExecuteAsync(cloudTable, Sdk.TableOperation.Merge(ToSdk(entity, ifMatch)), cancellationToken);
        return result.Etag;
    }

    public async Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateEntity(entity);
        var cloudTable = await GetTableAsync(table, cancellationToken);
        var result = await ExecuteAsync(cloudTable, Sdk.TableOperation.InsertOrReplace(ToSdk(entity, null)), cancellationToken);
        return result.Etag;
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(partitionKey, rowKey);
        TableStoreValidation.ValidateEntity(entity);
        TableStoreValidation.ValidateIfMatch(ifMatch);
        var cloudTable = await GetTableAsync(table, cancellationToken);
        await ExecuteAsync(cloudTable, Sdk.TableOperation.Delete(ToSdk(entity, ifMatch)), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ExecuteBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateBatch(operations);
        var cloudTable = await GetTableAsync(table, cancellationToken);
        var batch = new Sdk.TableBatchOperation();
        foreach (var operation in operations)
        {
            batch.Add(ToSdk(operation));
        }

        try
        {
            var results = await cloudTable.ExecuteBatchAsync(batch, null, null, cancellationToken);
            return operations
                .Select((operation, i) => operation.Kind == TableOperationKind.Delete ? string.Empty : results[i].Etag)
                .ToList();
        }
        catch (Sdk.StorageException ex)
        {
            throw Translate(ex, table, batch: true);
        }
    }

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        // A health check must answer quickly: no retries and a short ceiling on the whole call.
        var options = new Sdk.TableRequestOptions
        {
            RetryPolicy = new Sdk.NoRetry(),
            ServerTimeout = PingTimeout,
            MaximumExecutionTime = PingTimeout,
        };
        try
        {
            await client.ListTablesSegmentedAsync(null, 1, null, options, null, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TableStoreException(TableErrorKind.Unavailable, $"Azure Table storage at {client.BaseUri} cannot be reached: {ex.Message}", null, ex);
        }
    }

    private async Task<Sdk.CloudTable> GetTableAsync(string table, CancellationToken cancellationToken)
    {
        TableStoreValidation.ValidateTableName(table);
        var cloudTable = client.GetTableReference(table);
        var creation = createdTables.GetOrAdd(table, _ => new Lazy<Task>(() => cloudTable.CreateIfNotExistsAsync()));
        try
        {
            await creation.Value.WaitAsync(cancellationToken);
        }
        catch (Sdk.StorageException ex)
        {
            // Forget the failure so that the next call tries again.
            createdTables.TryRemove(KeyValuePair.Create(table, creation));
            throw Translate(ex, table, batch: false);
        }

        return cloudTable;
    }

    private async Task<Sdk.TableResult> ExecuteAsync(Sdk.CloudTable table, Sdk.TableOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            return await table.ExecuteAsync(operation, null, null, cancellationToken);
        }
        catch (Sdk.StorageException ex)
        {
            throw Translate(ex, table.Name, batch: false);
        }
    }

    private TableStoreException Translate(Sdk.StorageException ex, string table, bool batch)
    {
        var status = ex.RequestInformation?.HttpStatusCode ?? 0;
        var error = ex.RequestInformation?.ExtendedErrorInformation;
        if (error?.ErrorCode == "TableNotFound")
        {
            // Someone deleted the table behind our back: create it again on the next call.
            createdTables.TryRemove(table, out _);
        }

        var index = batch ? FailedOperationIndex(error?.ErrorMessage) : null;
        var kind = status switch
        {
            404 => TableErrorKind.NotFound,
            409 => TableErrorKind.Conflict,
            412 => TableErrorKind.PreconditionFailed,
            // A rejected batch that names no operation was rejected as a whole.
            400 or 413 when batch && index is null => TableErrorKind.InvalidBatch,
            400 or 413 => TableErrorKind.InvalidInput,
            _ => TableErrorKind.Unavailable,
        };
        var message = $"Azure Table storage answered {status} {error?.ErrorCode} for table '{table}': {error?.ErrorMessage ?? ex.Message}";
        return new TableStoreException(kind, message, index, ex);
    }

    /// <summary>A failed batch names the failing operation at the start of its message, as in "2:The specified entity already exists.".</summary>
    private static int? FailedOperationIndex(string? message)
    {
        var colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;
    }

    private static string? BuildFilter(TableQuery query)
    {
        var conditions = new List<string>();
        if (query.PartitionKey is not null)
        {
            conditions.Add(Sdk.TableQuery.GenerateFilterCondition("PartitionKey", Sdk.QueryComparisons.Equal, query.PartitionKey));
        }

        if (query.RowKeyFrom is not null)
        {
            conditions.Add(Sdk.TableQuery.GenerateFilterCondition("RowKey", Sdk.QueryComparisons.GreaterThanOrEqual, query.RowKeyFrom));
        }

        if (query.RowKeyTo is not null)
        {
            conditions.Add(Sdk.TableQuery.GenerateFilterCondition("RowKey", Sdk.QueryComparisons.LessThan, query.RowKeyTo));
        }

        foreach (var (name, value) in query.PropertyEquals)
        {
            const string eq = Sdk.QueryComparisons.Equal;
            conditions.Add(value switch
            {
                string s => Sdk.TableQuery.GenerateFilterCondition(name, eq, s),
                int i => Sdk.TableQuery.GenerateFilterConditionForInt(name, eq, i),
                long l => Sdk.TableQuery.GenerateFilterConditionForLong(name, eq, l),
                double d => Sdk.TableQuery.GenerateFilterConditionForDouble(name, eq, d),
                bool b => Sdk.TableQuery.GenerateFilterConditionForBool(name, eq, b),
                DateTimeOffset d => Sdk.TableQuery.GenerateFilterConditionForDate(name, eq, d),
                Guid g => Sdk.TableQuery.GenerateFilterConditionForGuid(name, eq, g),
                byte[] bytes => Sdk.TableQuery.GenerateFilterConditionForBinary(name, eq, bytes),
                _ => throw new TableStoreException(TableErrorKind.InvalidInput, $"Property '{name}' cannot be filtered on."),
            });
        }

        return conditions.Count == 0
            ? null
            : conditions.Aggregate((left, right) => Sdk.TableQuery.CombineFilters(left, Sdk.TableOperators.And, right));
    }

    private static Sdk.TableOperation ToSdk(TableOperation operation) => operation.Kind switch
    {
        TableOperationKind.Insert => Sdk.TableOperation.Insert(ToSdk(operation.Entity, null)),
        TableOperationKind.Replace => Sdk.TableOperation.Replace(ToSdk(operation.Entity, operation.IfMatch)),
        TableOperationKind.Merge => Sdk.TableOperation.Merge(ToSdk(operation.Entity, operation.IfMatch)),
        TableOperationKind.Upsert => Sdk.TableOperation.InsertOrReplace(ToSdk(operation.Entity, null)),
        TableOperationKind.Delete => Sdk.TableOperation.Delete(ToSdk(operation.Entity, operation.IfMatch)),
        _ => throw new TableStoreException(TableErrorKind.InvalidInput, $"Unknown operation {operation.Kind}."),
    };

    private static Sdk.DynamicTableEntity ToSdk(TableEntity entity, string? etag)
    {
        var properties = new Dictionary<string, Sdk.EntityProperty>(StringComparer.Ordinal);
        foreach (var (name, value) in entity.Properties)
        {
            if (value is not null)
            {
                properties[name] = ToSdk(value);
            }
        }

        return new Sdk.DynamicTableEntity(entity.PartitionKey, entity.RowKey, etag, properties);
    }

    private static Sdk.EntityProperty ToSdk(object value) => value switch
    {
        string s => new Sdk.EntityProperty(s),
        int i => new Sdk.EntityProperty(i),
        long l => new Sdk.EntityProperty(l),
        double d => new Sdk.EntityProperty(d),
        bool b => new Sdk.EntityProperty(b),
        DateTimeOffset d => new Sdk.EntityProperty(d.ToUniversalTime()),
        Guid g => new Sdk.EntityProperty(g),
        byte[] bytes => new Sdk.EntityProperty(bytes),
        _ => throw new TableStoreException(TableErrorKind.InvalidInput, $"Unsupported property type {value.GetType().Name}."),
    };

    private static TableEntity FromSdk(Sdk.DynamicTableEntity entity)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, property) in entity.Properties)
        {
            properties[name] = property.PropertyType switch
            {
                Sdk.EdmType.String => property.StringValue,
                Sdk.EdmType.Int32 => property.Int32Value,
                Sdk.EdmType.Int64 => property.Int64Value,
                Sdk.EdmType.Double => property.DoubleValue,
                Sdk.EdmType.Boolean => property.BooleanValue,
                Sdk.EdmType.DateTime => property.DateTimeOffsetValue?.ToUniversalTime(),
                Sdk.EdmType.Guid => property.GuidValue,
                Sdk.EdmType.Binary => property.BinaryValue,
                _ => null,
            };
        }

        return new TableEntity(entity.PartitionKey, entity.RowKey, properties, entity.ETag, entity.Timestamp);
    }
}
