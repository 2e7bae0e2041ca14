using System.Globalization;
using System.Text;
using Integration.Domain.Storage;
using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Sqlite;

/// <summary>
/// <see cref="ITableStore"/> on the embedded database. All tables share one SQL table keyed by
/// (table_name, pk, rk); a table exists as soon as it holds a row, so creating one only checks its name.
/// Table names compare case-insensitively, as in Azure.
/// Keys order by their UTF-8 bytes (code point order), which differs from Azure's UTF-16 order
/// only for characters outside the Basic Multilingual Plane.
/// Property filters match a value of the same type only: an int filter does not find a long.
/// </summary>
public sealed class SqliteTableStore : ITableStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS entities (
            table_name      TEXT NOT NULL,
            pk              TEXT NOT NULL,
            rk              TEXT NOT NULL,
            etag            TEXT NOT NULL,
            timestamp       TEXT NOT NULL,
            properties_json TEXT NOT NULL,
            PRIMARY KEY (table_name, pk, rk)
        ) WITHOUT ROWID;
        """;

    private const string SelectColumns = "SELECT pk, rk, etag, timestamp, properties_json FROM entities";

    private readonly SqliteDatabase database;
    private readonly TimeProvider timeProvider;
    private Task? schema;

    public SqliteTableStore(SqliteDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.database = database;
        this.timeProvider = timeProvider;
    }

    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateTableName(table);
        await EnsureSchemaAsync(cancellationToken);
    }

    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateTableName(table);
        TableStoreValidation.ValidateKey(partitionKey, "partition key");
        TableStoreValidation.ValidateKey(rowKey, "row key");
        await EnsureSchemaAsync(cancellationToken);

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"{SelectColumns} WHERE table_name = $table AND pk = $pk AND rk = $rk";
        command.Parameters.AddWithValue("$table", TableKey(table));
        command.Parameters.AddWithValue("$pk", partitionKey);
        command.Parameters.AddWithValue("$rk", rowKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEntity(reader) : null;
    }

    public async Task<TablePage> QueryAsync(string table, TableQuery query, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateTableName(table);
        TableStoreValidation.ValidateQuery(query);
        string? afterPartitionKey = null;
        string? afterRowKey = null;
        if (continuationToken is not null)
        {
            var parts = ContinuationTokens.Decode(continuationToken, 2);
            afterPartitionKey = parts[0] ?? throw new TableStoreException(TableErrorKind.InvalidInput, "The continuation token is not one this store issued.");
            afterRowKey = parts[1] ?? throw new TableStoreException(TableErrorKind.InvalidInput, "The continuation token is not one this store issued.");
        }

        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"{SelectColumns} WHERE table_name = $table");
        command.Parameters.AddWithValue("$table", TableKey(table));
        if (query.PartitionKey is not null)
        {
            sql.Append(" AND pk = $pk");
            command.Parameters.AddWithValue("$pk", query.PartitionKey);
        }

        if (query.RowKeyFrom is not null)
        {
            sql.Append(" AND rk >= $rk_from");
            command.Parameters.AddWithValue("$rk_from", query.RowKeyFrom);
        }

        if (query.RowKeyTo is not null)
        {
            sql.Append(" AND rk < $rk_to");
            command.Parameters.AddWithValue("$rk_to", query.RowKeyTo);
        }

        if (afterPartitionKey is not null)
        {
            // Spelled out rather than as a row value so SQLite seeks the primary key to the position
            // instead of rereading the partition from its first row on every page.
            sql.Append(query.PartitionKey is not null
                ? " AND rk > $after_rk"
                : " AND pk >= $after_pk AND (pk > $after_pk OR rk > $after_rk)");
            command.Parameters.AddWithValue("$after_pk", afterPartitionKey);
            command.Parameters.AddWithValue("$after_rk", afterRowKey);
        }

        var index = 0;
        foreach (var (name, value) in query.PropertyEquals)
        {
            // Names are validated to letters, digits and '_', so they are safe inside a JSON path.
            sql.Append(CultureInfo.InvariantCulture, $" AND json_extract(properties_json, $type_path{index}) = $type{index}");
            sql.Append(CultureInfo.InvariantCulture, $" AND json_extract(properties_json, $value_path{index}) = $value{index}");
            command.Parameters.AddWithValue($"$type_path{index}", $"$.{name}.type");
            command.Parameters.AddWithValue($"$type{index}", PropertyJson.TypeName(value!));
            command.Parameters.AddWithValue($"$value_path{index}", $"$.{name}.value");
            command.Parameters.AddWithValue($"$value{index}", PropertyJson.SqlValue(value!));
            index++;
        }

        // One row more than the page tells whether another page follows without a second query.
        sql.Append(" ORDER BY pk, rk LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        command.CommandText = sql.ToString();

        var entities = new List<TableEntity>(query.PageSize);
        var more = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (entities.Count == query.PageSize)
            {
                more = true;
                break;
            }

            entities.Add(ReadEntity(reader));
        }

        var token = more ? ContinuationTokens.Encode(entities[^1].PartitionKey, entities[^1].RowKey) : null;
        return new TablePage(entities, token);
    }

    public Task<string> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteOneAsync(table, TableOperation.Insert(entity), cancellationToken);

    public Task<string> ReplaceAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) =>
        WriteOneAsync(table, TableOperation.Replace(entity, ifMatch), cancellationToken);

    public Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) =>
        WriteOneAsync(table, TableOperation.Merge(entity, ifMatch), cancellationToken);

    public Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteOneAsync(table, TableOperation.Upsert(entity), cancellationToken);

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken = default) =>
        WriteOneAsync(table, TableOperation.Delete(new TableEntity(partitionKey, rowKey), ifMatch), cancellationToken);

    public async Task<IReadOnlyList<string>> ExecuteBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        TableStoreValidation.ValidateTableName(table);
        TableStoreValidation.ValidateBatch(operations);
        await EnsureSchemaAsync(cancellationToken);
        return await database.WriteAsync<IReadOnlyList<string>>(
            async (connection, transaction) =>
            {
                var etags = new List<string>(operations.Count);
                for (var i = 0; i < operations.Count; i++)
                {
                    etags.Add(await ApplyAsync(connection, transaction, table, operations[i], i, cancellationToken));
                }

                return etags;
            },
            cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new TableStoreException(TableErrorKind.Unavailable, $"The embedded database '{database.FilePath}' cannot be read: {ex.Message}", null, ex);
        }
    }

    // Azure table names are case-insensitive; one spelling per table keeps them so here.
    private static string TableKey(string table) => table.ToUpperInvariant();

    private async Task<string> WriteOneAsync(string table, TableOperation operation, CancellationToken cancellationToken)
    {
        TableStoreValidation.ValidateTableName(table);
        TableStoreValidation.ValidateEntity(operation.Entity);
        if (operation.Kind is TableOperationKind.Replace or TableOperationKind.Merge or TableOperationKind.Delete)
        {
            TableStoreValidation.ValidateIfMatch(operation.IfMatch);
        }

        await EnsureSchemaAsync(cancellationToken);
        return await database.WriteAsync(
            (connection, transaction) => ApplyAsync(connection, transaction, table, operation, null, cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Applies one operation inside the caller's write transaction. Reading the current ETag and
    /// writing happen under the same write lock, so concurrent writers cannot both pass the check.
    /// </summary>
    private async Task<string> ApplyAsync(SqliteConnection connection, SqliteTransaction transaction, string table, TableOperation operation, int? index, CancellationToken cancellationToken)
    {
        var entity = operation.Entity;
        var where = $"table '{table}', partition '{entity.PartitionKey}', row '{entity.RowKey}'";
        var stored = await ReadStoredAsync(connection, transaction, table, entity.PartitionKey, entity.RowKey, cancellationToken);

        if (operation.Kind == TableOperationKind.Insert && stored is not null)
        {
            throw new TableStoreException(TableErrorKind.Conflict, $"The entity already exists ({where}).", index);
        }

        if (operation.Kind is TableOperationKind.Replace or TableOperationKind.Merge or TableOperationKind.Delete)
        {
            if (stored is null)
            {
                throw new TableStoreException(TableErrorKind.NotFound, $"The entity does not exist ({where}).", index);
            }

            if (operation.IfMatch != "*" && !string.Equals(operation.IfMatch, stored.Value.ETag, StringComparison.Ordinal))
            {
                throw new TableStoreException(TableErrorKind.PreconditionFailed, $"The entity has changed since ETag {operation.IfMatch} was read ({where}).", index);
            }
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$table", TableKey(table));
        command.Parameters.AddWithValue("$pk", entity.PartitionKey);
        command.Parameters.AddWithValue("$rk", entity.RowKey);

        if (operation.Kind == TableOperationKind.Delete)
        {
            command.CommandText = "DELETE FROM entities WHERE table_name = $table AND pk = $pk AND rk = $rk";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return string.Empty;
        }

        IEnumerable<KeyValuePair<string, object?>> properties = entity.Properties;
        if (operation.Kind == TableOperationKind.Merge)
        {
            var merged = PropertyJson.Read(stored!.Value.PropertiesJson);
            foreach (var (name, value) in entity.Properties)
            {
                if (value is not null)
                {
                    merged[name] = value;
                }
            }

            properties = merged;
        }

        // Unique per write even when the clock stands still (or is a fake in tests).
        var etag = $"W/\"{Guid.NewGuid():N}\"";
        command.CommandText = """
            INSERT INTO entities (table_name, pk, rk, etag, timestamp, properties_json)
            VALUES ($table, $pk, $rk, $etag, $timestamp, $properties)
            ON CONFLICT (table_name, pk, rk) DO UPDATE SET
                etag = excluded.etag,
                timestamp = excluded.timestamp,
                properties_json = excluded.properties_json
            """;
        command.Parameters.AddWithValue("$etag", etag);
        command.Parameters.AddWithValue("$timestamp", PropertyJson.FormatDate(timeProvider.GetUtcNow()));
        command.Parameters.AddWithValue("$properties", PropertyJson.Write(properties));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return etag;
    }

    private static async Task<(string ETag, string PropertiesJson)?> ReadStoredAsync(SqliteConnection connection, SqliteTransaction transaction, string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT etag, properties_json FROM entities WHERE table_name = $table AND pk = $pk AND rk = $rk";
        command.Parameters.AddWithValue("$table", TableKey(table));
        command.Parameters.AddWithValue("$pk", partitionKey);
        command.Parameters.AddWithValue("$rk", rowKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    private static TableEntity ReadEntity(SqliteDataReader reader) => new(
        PartitionKey: reader.GetString(0),
        RowKey: reader.GetString(1),
        Properties: PropertyJson.Read(reader.GetString(4)),
        ETag: reader.GetString(2),
        Timestamp: PropertyJson.ParseDate(reader.GetString(3)));

    private Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var task = schema;
        if (task is null || task.IsFaulted || task.IsCanceled)
        {
            // Racing first callers may both run the DDL; IF NOT EXISTS makes that harmless.
            // The shared task must not carry one caller's cancellation.
            task = database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = Schema;
                    return await command.ExecuteNonQueryAsync(CancellationToken.None);
                },
                CancellationToken.None);
            schema = task;
        }

        return task.WaitAsync(cancellationToken);
    }
}
