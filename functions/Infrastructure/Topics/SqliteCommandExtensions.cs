using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Topics;

internal static class SqliteCommandExtensions
{
    public static SqliteCommand CreateCommand(this SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static long ToStored(this DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    public static DateTimeOffset ToInstant(this long stored) => DateTimeOffset.FromUnixTimeMilliseconds(stored);

    public static long? ToStored(this TimeSpan? span) => span is { } value ? (long)value.TotalMilliseconds : null;
}
