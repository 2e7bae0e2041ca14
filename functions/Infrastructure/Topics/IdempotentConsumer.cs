using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// Makes at-least-once delivery exactly-once in effect: the handler's own writes and the "processed" mark for
/// the message commit in one transaction, so a redelivered message finds the mark and changes nothing.
/// The mark is keyed by topic as well as subscription because subscription names are unique only within a topic.
/// </summary>
public sealed class IdempotentConsumer(SqliteDatabase database, TimeProvider time)
{
    /// <summary>
    /// Runs <paramref name="work"/> unless this message was already processed for this subscription.
    /// Returns true when the work ran and committed, false when it was skipped as a duplicate.
    /// </summary>
    public Task<bool> RunOnceAsync(
        string topic,
        string subscription,
        string messageId,
        Func<SqliteConnection, SqliteTransaction, CancellationToken, Task> work,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(subscription);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentNullException.ThrowIfNull(work);
        return database.WriteAsync(async (connection, transaction) =>
        {
            // Claiming the mark first means a failing handler rolls the mark back with its own writes.
            await using var command = connection.CreateCommand(transaction, """
                INSERT INTO bus_processed (topic, subscription, message_id, processed_at) VALUES ($topic, $subscription, $id, $now)
                ON CONFLICT (topic, subscription, message_id) DO NOTHING
                """)
                .With("$topic", topic)
                .With("$subscription", subscription)
                .With("$id", messageId)
                .With("$now", time.GetUtcNow().ToStored());
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }

            await work(connection, transaction, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Drops marks older than <paramref name="age"/>. Keep the age well beyond the longest redelivery
    /// (lock duration x max delivery count, plus any dead-letter resubmission) or duplicates get through again.
    /// </summary>
    public Task<int> ForgetOlderThanAsync(TimeSpan age, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(transaction, "DELETE FROM bus_processed WHERE processed_at < $cutoff")
                .With("$cutoff", (time.GetUtcNow() - age).ToStored());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}
