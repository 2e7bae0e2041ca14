using System.Text.Json;
using Integration.Functions.Infrastructure.Sqlite;

namespace Integration.Functions.Infrastructure.Topics;

public sealed record DeadLetteredMessage(
    long Id,
    string Topic,
    string Subscription,
    string MessageId,
    string Subject,
    string? Reason,
    string? Description,
    int DeliveryCount,
    string Body,
    IReadOnlyDictionary<string, string> Properties,
    DateTimeOffset DeadLetteredAt);

/// <summary>Active counts messages visible now (locked ones included); Scheduled counts those not yet visible.</summary>
public sealed record SubscriptionCounts(string Topic, string Subscription, long Active, long Scheduled, long DeadLettered);

/// <summary>Operator views of the bus: dead letters, resubmission and per-subscription counts.</summary>
public sealed class TopicAdministration(SqliteDatabase database, TimeProvider time)
{
    public async Task<IReadOnlyList<DeadLetteredMessage>> ListDeadLettersAsync(
        string? topic = null, string? subscription = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null, """
            SELECT id, topic, subscription, message_id, subject, dead_letter_reason, dead_letter_description,
                   delivery_count, body, properties, dead_lettered_at
            FROM bus_deliveries
            WHERE state = 'deadlettered'
              AND ($topic IS NULL OR topic = $topic)
              AND ($subscription IS NULL OR subscription = $subscription)
            ORDER BY id
            LIMIT $limit
            """)
            .With("$topic", topic)
            .With("$subscription", subscription)
            .With("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deadLetters = new List<DeadLetteredMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deadLetters.Add(new DeadLetteredMessage(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetInt32(7),
                reader.GetString(8),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(9)) ?? [],
                reader.GetInt64(10).ToInstant()));
        }

        return deadLetters;
    }

    /// <summary>
    /// Puts a dead letter back on its subscription as a fresh delivery: visible now, delivery count 0 and,
    /// when it had a time to live, the same time to live counted from now (otherwise it would expire again at once).
    /// Returns false when no dead letter has that id.
    /// </summary>
    public Task<bool> ResubmitDeadLetterAsync(long id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(transaction, """
                UPDATE bus_deliveries
                SET state = 'active', delivery_count = 0, visible_at = $now,
                    expires_at = CASE WHEN expires_at IS NULL THEN NULL ELSE $now + (expires_at - visible_at) END,
                    dead_letter_reason = NULL, dead_letter_description = NULL, dead_lettered_at = NULL
                WHERE id = $id AND state = 'deadlettered'
                """)
                .With("$id", id)
                .With("$now", time.GetUtcNow().ToStored());
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public async Task<IReadOnlyList<SubscriptionCounts>> GetSubscriptionCountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null, """
            SELECT s.topic, s.name,
                   COUNT(CASE WHEN d.state = 'active' AND d.visible_at <= $now THEN 1 END),
                   COUNT(CASE WHEN d.state = 'active' AND d.visible_at > $now THEN 1 END),
                   COUNT(CASE WHEN d.state = 'deadlettered' THEN 1 END)
            FROM bus_subscriptions s
            LEFT JOIN bus_deliveries d ON d.topic = s.topic AND d.subscription = s.name
            GROUP BY s.topic, s.name
            ORDER BY s.topic, s.name
            """)
            .With("$now", time.GetUtcNow().ToStored());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<SubscriptionCounts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new SubscriptionCounts(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return counts;
    }
}
