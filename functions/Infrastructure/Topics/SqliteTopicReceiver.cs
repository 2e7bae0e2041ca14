using System.Text.Json;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Platform;
using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// Peek-lock receiving from a subscription. A received message stays in the store, locked, until it is completed,
/// abandoned, dead-lettered or its lock expires; then it is delivered again with a higher delivery count.
/// </summary>
public sealed class SqliteTopicReceiver(SqliteDatabase database, TimeProvider time, ILogger<SqliteTopicReceiver>? logger = null)
{
    public const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";
    public const string TtlExpired = "TTLExpiredException";

    private const string LockedTarget =
        "lock_token = $token AND locked_until > $now AND topic = $topic AND subscription = $subscription AND message_id = $messageId";

    private const string CandidateColumns =
        "id, message_id, subject, content_type, correlation_id, body, properties, enqueued_at, visible_at, expires_at, delivery_count";

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(string topic, string subscription, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(subscription);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var deadLettered = new List<(string MessageId, string Reason, int DeliveryCount)>();
        var messages = await database.WriteAsync<IReadOnlyList<ReceivedMessage>>(async (connection, transaction) =>
        {
            deadLettered.Clear();
            var settings = await LoadSettingsAsync(connection, transaction, topic, subscription, cancellationToken);
            var now = time.GetUtcNow();
            var received = new List<ReceivedMessage>();
            // Dead-lettering a candidate frees its place in the batch, so keep reading until the batch is full or the queue is drained.
            while (received.Count < maxMessages)
            {
                var wanted = maxMessages - received.Count;
                var candidates = await ReadCandidatesAsync(connection, transaction, topic, subscription, wanted, now, cancellationToken);
                foreach (var candidate in candidates)
                {
                    if (candidate.ExpiresAt <= now)
                    {
                        await MoveToDeadLetterAsync(connection, transaction, candidate.Id, TtlExpired, "The message expired and was dead lettered.", now, cancellationToken);
                        deadLettered.Add((candidate.Message.MessageId, TtlExpired, candidate.DeliveryCount));
                    }
                    else if (candidate.DeliveryCount >= settings.MaxDeliveryCount)
                    {
                        await MoveToDeadLetterAsync(
                            connection, transaction, candidate.Id, MaxDeliveryCountExceeded,
                            $"The message could not be consumed after {candidate.DeliveryCount} delivery attempts.", now, cancellationToken);
                        deadLettered.Add((candidate.Message.MessageId, MaxDeliveryCountExceeded, candidate.DeliveryCount));
                    }
                    else
                    {
                        received.Add(await LockAsync(connection, transaction, topic, subscription, candidate, now + settings.LockDuration, cancellationToken));
                    }
                }

                if (candidates.Count < wanted)
                {
                    break;
                }
            }

            return received;
        }, cancellationToken);

        // Logged once committed, so a rolled-back attempt reports nothing.
        foreach (var (messageId, reason, deliveryCount) in deadLettered)
        {
            logger?.MessageDeadLettered(messageId, topic, subscription, reason, deliveryCount);
        }

        return messages;
    }

    /// <summary>Acknowledges the message: it is removed from the subscription.</summary>
    public Task CompleteAsync(Guid lockToken, CancellationToken cancellationToken = default) =>
        SettleAsync(lockToken, "DELETE FROM bus_deliveries WHERE lock_token = $token AND locked_until > $now", cancellationToken);

    /// <summary>Releases the lock at once; the delivery count keeps the attempt.</summary>
    public Task AbandonAsync(Guid lockToken, CancellationToken cancellationToken = default) =>
        SettleAsync(lockToken, "UPDATE bus_deliveries SET lock_token = NULL, locked_until = NULL WHERE lock_token = $token AND locked_until > $now", cancellationToken);

    /// <summary>
    /// Completes the message only if the lock is held on this very message of this subscription, so a caller that
    /// names a subscription in a URL cannot settle another subscription's message with a token it happens to hold.
    /// </summary>
    public Task CompleteAsync(MessageLock target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return SettleAsync(target.LockToken, $"DELETE FROM bus_deliveries WHERE {LockedTarget}", cancellationToken, target.AddTo);
    }

    /// <summary>Abandons the message only if the lock is held on this very message of this subscription.</summary>
    public Task AbandonAsync(MessageLock target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return SettleAsync(target.LockToken, $"UPDATE bus_deliveries SET lock_token = NULL, locked_until = NULL WHERE {LockedTarget}", cancellationToken, target.AddTo);
    }

    /// <summary>
    /// The next message a receive would see (or, if it is locked, the one a receiver holds), without locking it or
    /// counting a delivery: for looking, never for processing. Expired messages are skipped, not dead-lettered.
    /// Throws <see cref="MessagingEntityNotFoundException"/> for an undeclared subscription.
    /// </summary>
    public async Task<PeekedMessage?> PeekAsync(string topic, string subscription, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(subscription);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var exists = connection.CreateCommand(null, "SELECT 1 FROM bus_subscriptions WHERE topic = $topic AND name = $name")
            .With("$topic", topic)
            .With("$name", subscription))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                throw new MessagingEntityNotFoundException($"{topic}/{subscription}");
            }
        }

        var now = time.GetUtcNow();
        await using var command = connection.CreateCommand(null, $"""
            SELECT {CandidateColumns}, locked_until FROM bus_deliveries
            WHERE topic = $topic AND subscription = $subscription AND state = 'active'
              AND visible_at <= $now AND (expires_at IS NULL OR expires_at > $now)
            ORDER BY id
            LIMIT 1
            """)
            .With("$topic", topic)
            .With("$subscription", subscription)
            .With("$now", now.ToStored());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var candidate = Candidate.Read(reader);
        DateTimeOffset? lockedUntil = reader.IsDBNull(11) ? null : reader.GetInt64(11).ToInstant();
        return new PeekedMessage(topic, subscription, candidate.Message, candidate.Id, candidate.DeliveryCount, candidate.EnqueuedAt, lockedUntil > now ? lockedUntil : null);
    }

    public Task DeadLetterAsync(Guid lockToken, string reason, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return SettleAsync(
            lockToken,
            """
            UPDATE bus_deliveries
            SET state = 'deadlettered', dead_letter_reason = $reason, dead_letter_description = $description, dead_lettered_at = $now,
                lock_token = NULL, locked_until = NULL
            WHERE lock_token = $token AND locked_until > $now
            """,
            cancellationToken,
            command => command.With("$reason", reason).With("$description", description));
    }

    /// <summary>Extends the lock by the subscription's lock duration from now and returns the new expiry.</summary>
    public Task<DateTimeOffset> RenewLockAsync(Guid lockToken, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(transaction, """
                UPDATE bus_deliveries
                SET locked_until = $now + (SELECT s.lock_duration_ms FROM bus_subscriptions s
                                           WHERE s.topic = bus_deliveries.topic AND s.name = bus_deliveries.subscription)
                WHERE lock_token = $token AND locked_until > $now
                RETURNING locked_until
                """)
                .With("$token", lockToken.ToString())
                .With("$now", time.GetUtcNow().ToStored());
            return await command.ExecuteScalarAsync(cancellationToken) is long lockedUntil
                ? lockedUntil.ToInstant()
                : throw new MessageLockLostException(lockToken);
        }, cancellationToken);

    private Task SettleAsync(Guid lockToken, string sql, CancellationToken cancellationToken, Func<SqliteCommand, SqliteCommand>? addParameters = null) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(transaction, sql)
                .With("$token", lockToken.ToString())
                .With("$now", time.GetUtcNow().ToStored());
            addParameters?.Invoke(command);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new MessageLockLostException(lockToken);
            }

            return true;
        }, cancellationToken);

    private static async Task<SubscriptionSettings> LoadSettingsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string topic, string subscription, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "SELECT lock_duration_ms, max_delivery_count FROM bus_subscriptions WHERE topic = $topic AND name = $name")
            .With("$topic", topic)
            .With("$name", subscription);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SubscriptionSettings(TimeSpan.FromMilliseconds(reader.GetInt64(0)), reader.GetInt32(1))
            : throw new MessagingEntityNotFoundException($"{topic}/{subscription}");
    }

    private static async Task<List<Candidate>> ReadCandidatesAsync(
        SqliteConnection connection, SqliteTransaction transaction, string topic, string subscription, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, $"""
            SELECT {CandidateColumns} FROM bus_deliveries
            WHERE topic = $topic AND subscription = $subscription AND state = 'active'
              AND visible_at <= $now AND (locked_until IS NULL OR locked_until <= $now)
            ORDER BY id
            LIMIT $limit
            """)
            .With("$topic", topic)
            .With("$subscription", subscription)
            .With("$now", now.ToStored())
            .With("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var candidates = new List<Candidate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(Candidate.Read(reader));
        }

        return candidates;
    }

    private static async Task<ReceivedMessage> LockAsync(
        SqliteConnection connection, SqliteTransaction transaction, string topic, string subscription, Candidate candidate, DateTimeOffset lockedUntil, CancellationToken cancellationToken)
    {
        var lockToken = Guid.NewGuid();
        await using var command = connection.CreateCommand(transaction, """
            UPDATE bus_deliveries SET delivery_count = delivery_count + 1, lock_token = $token, locked_until = $lockedUntil
            WHERE id = $id
            """)
            .With("$token", lockToken.ToString())
            .With("$lockedUntil", lockedUntil.ToStored())
            .With("$id", candidate.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new ReceivedMessage(topic, subscription, candidate.Message, candidate.Id, candidate.DeliveryCount + 1, lockToken, lockedUntil, candidate.EnqueuedAt);
    }

    private static async Task MoveToDeadLetterAsync(
        SqliteConnection connection, SqliteTransaction transaction, long id, string reason, string description, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, """
            UPDATE bus_deliveries
            SET state = 'deadlettered', dead_letter_reason = $reason, dead_letter_description = $description, dead_lettered_at = $now,
                lock_token = NULL, locked_until = NULL
            WHERE id = $id
            """)
            .With("$reason", reason)
            .With("$description", description)
            .With("$now", now.ToStored())
            .With("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record SubscriptionSettings(TimeSpan LockDuration, int MaxDeliveryCount);

    private sealed record Candidate(long Id, TopicMessage Message, DateTimeOffset EnqueuedAt, DateTimeOffset? ExpiresAt, int DeliveryCount)
    {
        public static Candidate Read(SqliteDataReader reader)
        {
            var visibleAt = reader.GetInt64(8).ToInstant();
            DateTimeOffset? expiresAt = reader.IsDBNull(9) ? null : reader.GetInt64(9).ToInstant();
            var message = new TopicMessage
            {
                MessageId = reader.GetString(1),
                Subject = reader.GetString(2),
                ContentType = reader.GetString(3),
                CorrelationId = reader.IsDBNull(4) ? null : reader.GetString(4),
                Body = reader.GetString(5),
                ApplicationProperties = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)) ?? [],
                TimeToLive = expiresAt - visibleAt,
            };
            return new Candidate(reader.GetInt64(0), message, reader.GetInt64(7).ToInstant(), expiresAt, reader.GetInt32(10));
        }
    }
}
