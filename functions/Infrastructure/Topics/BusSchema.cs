using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>The bus tables, prefixed <c>bus_</c> because they share the one database file with the table store.</summary>
internal static class BusSchema
{
    // Instants are stored as Unix milliseconds so that visibility, lock and expiry checks are plain integer comparisons.
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS bus_topics (
            name                TEXT    NOT NULL PRIMARY KEY,
            duplicate_window_ms INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS bus_subscriptions (
            topic              TEXT    NOT NULL REFERENCES bus_topics (name),
            name               TEXT    NOT NULL,
            filters            TEXT    NOT NULL,
            lock_duration_ms   INTEGER NOT NULL,
            max_delivery_count INTEGER NOT NULL,
            default_ttl_ms     INTEGER,
            PRIMARY KEY (topic, name)
        );

        CREATE TABLE IF NOT EXISTS bus_duplicates (
            topic         TEXT    NOT NULL,
            message_id    TEXT    NOT NULL,
            first_seen_at INTEGER NOT NULL,
            PRIMARY KEY (topic, message_id)
        );
        CREATE INDEX IF NOT EXISTS bus_duplicates_by_age ON bus_duplicates (topic, first_seen_at);

        CREATE TABLE IF NOT EXISTS bus_deliveries (
            id                      INTEGER PRIMARY KEY AUTOINCREMENT,
            topic                   TEXT    NOT NULL,
            subscription            TEXT    NOT NULL,
            message_id              TEXT    NOT NULL,
            subject                 TEXT    NOT NULL,
            content_type            TEXT    NOT NULL,
            correlation_id          TEXT,
            body                    TEXT    NOT NULL,
            properties              TEXT    NOT NULL,
            enqueued_at             INTEGER NOT NULL,
            visible_at              INTEGER NOT NULL,
            expires_at              INTEGER,
            delivery_count          INTEGER NOT NULL DEFAULT 0,
            locked_until            INTEGER,
            lock_token              TEXT,
            state                   TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'deadlettered')),
            dead_letter_reason      TEXT,
            dead_letter_description TEXT,
            dead_lettered_at        INTEGER,
            FOREIGN KEY (topic, subscription) REFERENCES bus_subscriptions (topic, name)
        );
        CREATE INDEX IF NOT EXISTS bus_deliveries_queue ON bus_deliveries (topic, subscription, state, id);
        CREATE UNIQUE INDEX IF NOT EXISTS bus_deliveries_lock ON bus_deliveries (lock_token) WHERE lock_token IS NOT NULL;
        """;

    public static async Task CreateAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, Ddl);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
