using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Integration.Domain.Storage;
using Sdk = Azure.Data.Tables;
using TableEntity = Integration.Domain.Storage.TableEntity;

namespace Integration.Functions.Infrastructure.AzureTables;

/// <summary>
/// <see cref="ITableStore"/> on Azure Table storage (or Azurite) through Azure.Data.Tables. Tables are created on
/// first use and remembered per name, so callers need not provision them. Pages may hold fewer entities than
/// asked for while a continuation token still follows: the service cuts pages at its own limits.
/// Every filter is formatted by <see cref="TableClient.CreateQueryFilter(FormattableString)"/>, so no key or
/// value a caller passes can change the shape of a query.
/// </summary>
public sealed class AzureTableStore : ITableStore
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    private readonly TableServiceClient service;
    private readonly ConcurrentDictionary<string, Lazy<Task>> createdTables = new(StringComparer.OrdinalIgnoreCase);

    public AzureTableStore(TableServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        this.service = service;
    }

    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) =>
        await GetTableAsync(table, cancellationToken);

    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateKey(partitionKey, "partition key");
        TableStoreValidation.ValidateKey(rowKey, "row key");
        var client = await GetTableAsync(table, cancellationToken);
        var response = await CallAsync(table, () => client.GetEntityIfExistsAsync<Sdk.TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken), cancellationToken);
        return response.HasValue ? FromSdk(response.Value!) : null;
    }

    public async Task<TablePage> QueryAsync(string table, TableQuery query, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateQuery(query);
        var sdkToken = continuationToken is null ? null : ContinuationTokens.Decode(continuationToken, 1)[0];
        var client = await GetTableAsync(table, cancellationToken);
        var filter = BuildFilter(query);

        return await CallAsync(table, async () =>
        {
            var pages = client.QueryAsync<Sdk.TableEntity>(filter, query.PageSize, cancellationToken: cancellationToken)
                .AsPages(sdkToken, query.PageSize);
            await foreach (var page in pages)
            {
                // One service round trip per call: the caller pages on with the token.
                var next = string.IsNullOrEmpty(page.ContinuationToken) ? null : ContinuationTokens.Encode(page.ContinuationToken);
                return new TablePage(page.Values.Select(FromSdk).ToList(), next);
            }

            return new TablePage([], null);
        }, cancellationToken);
    }

    public async Task<string> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateEntity(entity);
        var client = await GetTableAsync(table, cancellationToken);
        var response = await CallAsync(table, () => client.AddEntityAsync(ToSdk(entity), cancellationToken), cancellationToken);
        return NewETag(response);
    }

    public Task<string> ReplaceAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) =>
        UpdateAsync(table, entity, ifMatch, TableUpdateMode.Replace, cancellationToken);

    public Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) =>
        UpdateAsync(table, entity, ifMatch, TableUpdateMode.Merge, cancellationToken);

    public async Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateEntity(entity);
        var client = await GetTableAsync(table, cancellationToken);
        var response = await CallAsync(table, () => client.UpsertEntityAsync(ToSdk(entity), TableUpdateMode.Replace, cancellationToken), cancellationToken);
        return NewETag(response);
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateEntity(new TableEntity(partitionKey, rowKey));
        TableStoreValidation.ValidateIfMatch(ifMatch);
        var client = await GetTableAsync(table, cancellationToken);
        var response = await CallAsync(table, () => client.DeleteEntityAsync(partitionKey, rowKey, ToETag(ifMatch), cancellationToken), cancellationToken);

        // The SDK treats a missing entity as deleted; the port reports it, as a batched delete would.
        if (response.Status == 404)
        {
            throw new TableStoreException(TableErrorKind.NotFound, $"No entity ('{partitionKey}', '{rowKey}') in table '{table}' to delete.");
        }
    }

    public async Task<IReadOnlyList<string>> ExecuteBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateBatch(operations);
        var client = await GetTableAsync(table, cancellationToken);
        var actions = operations.Select(ToSdk).ToList();
        var response = await CallAsync(table, () => client.SubmitTransactionAsync(actions, cancellationToken), cancellationToken);
        return operations
            .Select((operation, i) => operation.Kind == TableOperationKind.Delete ? string.Empty : NewETag(response.Value[i]))
            .ToList();
    }

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        // A health check must answer quickly: the SDK would retry an unreachable endpoint for a minute or more.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            await foreach (var _ in service.QueryAsync(filter: (string?)null, maxPerPage: 1, timeout.Token).AsPages(null, 1).WithCancellation(timeout.Token))
            {
                break;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? $"no answer within {PingTimeout.TotalSeconds:0} s" : ex.Message;
            throw new TableStoreException(TableErrorKind.Unavailable, $"Azure Table storage at {Endpoint(service.Uri)} cannot be reached: {reason}", null, ex);
        }
    }

    private async Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        TableStoreValidation.ValidateEntity(entity);
        TableStoreValidation.ValidateIfMatch(ifMatch);
        var client = await GetTableAsync(table, cancellationToken);
        var response = await CallAsync(table, () => client.UpdateEntityAsync(ToSdk(entity), ToETag(ifMatch), mode, cancellationToken), cancellationToken);
        return NewETag(response);
    }

    private async Task<TableClient> GetTableAsync(string table, CancellationToken cancellationToken)
    {
        TableStoreValidation.ValidateTableName(table);
        var client = service.GetTableClient(table);
        var creation = createdTables.GetOrAdd(table, _ => new Lazy<Task>(() => client.CreateIfNotExistsAsync(CancellationToken.None)));
        try
        {
            await creation.Value.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken))
        {
            // Forget the failure so that the next call tries again.
            createdTables.TryRemove(KeyValuePair.Create(table, creation));
            throw Translate(ex, table);
        }

        return client;
    }

    /// <summary>Runs one call to the service and turns its failures into the port's <see cref="TableStoreException"/>.</summary>
    private async Task<T> CallAsync<T>(string table, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken))
        {
            throw Translate(ex, table);
        }
    }

    /// <summary>
    /// What the service or the network did, as opposed to the caller's own cancellation. The SDK reports an endpoint
    /// it gave up on after retries as an <see cref="AggregateException"/> of its attempts, and its own network timeout
    /// as a cancellation.
    /// </summary>
    private static bool IsServiceFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is RequestFailedException or AggregateException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private TableStoreException Translate(Exception ex, string table)
    {
        if (ex is not RequestFailedException failure)
        {
            return new TableStoreException(TableErrorKind.Unavailable, $"Azure Table storage at {Endpoint(service.Uri)} did not answer for table '{table}': {ex.Message}", null, ex);
        }

        if (failure.ErrorCode == "TableNotFound")
        {
            // Someone deleted the table behind our back: create it again on the next call.
            createdTables.TryRemove(table, out _);
        }

        var index = (failure as TableTransactionFailedException)?.FailedTransactionActionIndex;
        var kind = failure.Status switch
        {
            404 => TableErrorKind.NotFound,
            409 => TableErrorKind.Conflict,
            412 => TableErrorKind.PreconditionFailed,
            // A rejected batch that names no operation was rejected as a whole.
            400 or 413 when failure is TableTransactionFailedException && index is null => TableErrorKind.InvalidBatch,
            400 or 413 => TableErrorKind.InvalidInput,
            _ => TableErrorKind.Unavailable,
        };
        var message = $"Azure Table storage answered {failure.Status} {failure.ErrorCode} for table '{table}': {FirstLine(failure.Message)}";
        return new TableStoreException(kind, message, index, ex);
    }

    /// <summary>
    /// The filter of a query, formatted by the SDK: every key and value is an argument it quotes and escapes.
    /// Only property names enter the format itself, and <see cref="TableStoreValidation.ValidateQuery"/> has
    /// already held them to letters, digits and '_'.
    /// </summary>
    internal static string? BuildFilter(TableQuery query)
    {
        var format = new StringBuilder();
        var arguments = new List<object?>();

        void Condition(string property, string comparison, object value)
        {
            if (format.Length > 0)
            {
                format.Append(" and ");
            }

            format.Append(property).Append(' ').Append(comparison).Append(" {").Append(arguments.Count).Append('}');
            arguments.Add(value);
        }

        if (query.PartitionKey is not null)
        {
            Condition("PartitionKey", "eq", query.PartitionKey);
        }

        if (query.RowKeyFrom is not null)
        {
            Condition("RowKey", "ge", query.RowKeyFrom);
        }

        if (query.RowKeyTo is not null)
        {
            Condition("RowKey", "lt", query.RowKeyTo);
        }

        foreach (var (name, value) in query.PropertyEquals)
        {
            Condition(name, "eq", value!);
        }

        return format.Length == 0
            ? null
            : TableClient.CreateQueryFilter(FormattableStringFactory.Create(format.ToString(), [.. arguments]));
    }

    private static TableTransactionAction ToSdk(TableOperation operation) => operation.Kind switch
    {
        TableOperationKind.Insert => new(TableTransactionActionType.Add, ToSdk(operation.Entity)),
        TableOperationKind.Replace => new(TableTransactionActionType.UpdateReplace, ToSdk(operation.Entity), ToETag(operation.IfMatch)),
        TableOperationKind.Merge => new(TableTransactionActionType.UpdateMerge, ToSdk(operation.Entity), ToETag(operation.IfMatch)),
        TableOperationKind.Upsert => new(TableTransactionActionType.UpsertReplace, ToSdk(operation.Entity)),
        TableOperationKind.Delete => new(TableTransactionActionType.Delete, new Sdk.TableEntity(operation.Entity.PartitionKey, operation.Entity.RowKey), ToETag(operation.IfMatch)),
        _ => throw new TableStoreException(TableErrorKind.InvalidInput, $"Unknown operation {operation.Kind}."),
    };

    private static ETag ToETag(string ifMatch) => ifMatch == "*" ? ETag.All : new ETag(ifMatch);

    private static string NewETag(Response response) =>
        response.Headers.ETag?.ToString() ?? throw new TableStoreException(TableErrorKind.Unavailable, "Azure Table storage answered a write without an ETag.");

    private static Sdk.TableEntity ToSdk(TableEntity entity)
    {
        var sdk = new Sdk.TableEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            // Absent values are not stored, and a merge must not send them: the service would keep them as nulls.
            if (value is not null)
            {
                sdk[name] = value switch
                {
                    DateTimeOffset instant => instant.ToUniversalTime(),
                    string or int or long or double or bool or Guid or byte[] => value,
                    _ => throw new TableStoreException(TableErrorKind.InvalidInput, $"Unsupported property type {value.GetType().Name}."),
                };
            }
        }

        return sdk;
    }

    private static TableEntity FromSdk(Sdk.TableEntity entity)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in entity)
        {
            // The SDK keeps the system properties and the ETag ("odata.etag") in the same dictionary.
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                continue;
            }

            properties[name] = value switch
            {
                DateTimeOffset instant => instant.ToUniversalTime(),
                BinaryData data => data.ToArray(),
                _ => value,
            };
        }

        return new TableEntity(entity.PartitionKey, entity.RowKey, properties, entity.ETag.ToString(), entity.Timestamp);
    }

    private static string Endpoint(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
