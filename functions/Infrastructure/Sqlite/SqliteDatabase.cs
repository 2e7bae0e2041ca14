using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Sqlite;

/// <summary>
/// The one embedded database file that holds tables, topics and everything else.
/// WAL mode with synchronous=FULL: a committed transaction survives <c>kill -9</c> and power loss.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string connectionString;

    // Writers in this process queue here, in order, instead of in SQLite's busy handler, which sleeps and
    // retries and so lets an unlucky writer starve for seconds (long enough to lose a message lock).
    private readonly SemaphoreSlim writeGate = new(1, 1);

    public SqliteDatabase(string filePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        FilePath = Path.GetFullPath(filePath);
        var folder = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    public string FilePath { get; }

    public static SqliteDatabase FromOptions(StorageOptions options) =>
        new(Path.Combine(options.DataPath, options.DatabaseFile));

    /// <summary>Opens a pooled connection with the per-connection settings applied.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one IMMEDIATE transaction (the write lock is taken up front,
    /// so two writers never deadlock on upgrade) and commits it.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            return await WriteInTransactionAsync(work, cancellationToken);
        }
        finally
        {
            writeGate.Release();
        }
    }

    private async Task<T> WriteInTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Serializable, non-deferred: Microsoft.Data.Sqlite issues BEGIN IMMEDIATE.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        try
        {
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw;
        }
    }
}
