using System.Text.Json;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// Publishes into the embedded bus. Each call is one transaction: duplicate detection, then one delivery row per
/// matching subscription. A message no subscription accepts is dropped, as Service Bus drops it.
/// </summary>
public sealed class SqliteTopicBus(SqliteDatabase database, TimeProvider time) : ITopicPublisher
{
    public Task PublishAsync(string topic, TopicMessage message, CancellationToken cancellationToken = default) =>
        PublishBatchAsync(topic, [message], cancellationToken);

    public async Task PublishBatchAsync(string topic, IReadOnlyList<TopicMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            ArgumentException.ThrowIfNullOrWhiteSpace(message.MessageId, nameof(messages));
        }

        await database.WriteAsync(async (connection, transaction) =>
        {
            var route = await TopicRoute.LoadAsync(connection, transaction, topic, cancellationToken);
            var now = time.GetUtcNow();
            await ForgetDuplicatesOutsideWindowAsync(connection, transaction, route, now, cancellationToken);
            var stored = 0;
            foreach (var message in messages)
            {
                if (await IsFirstWithinWindowAsync(connection, transaction, topic, message.MessageId, now, cancellationToken))
                {
                    stored += await FanOutAsync(connection, transaction, route, message, now, cancellationToken);
                }
            }

            return stored;
        }, cancellationToken);
    }

    private static async Task ForgetDuplicatesOutsideWindowAsync(
        SqliteConnection connection, SqliteTransaction transaction, TopicRoute route, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "DELETE FROM bus_duplicates WHERE topic = $topic AND first_seen_at <= $cutoff")
            .With("$topic", route.Topic)
            .With("$cutoff", (now - route.DuplicateDetectionWindow).ToStored());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> IsFirstWithinWindowAsync(
        SqliteConnection connection, SqliteTransaction transaction, string topic, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, """
            INSERT INTO bus_duplicates (topic, message_id, first_seen_at) VALUES ($topic, $id, $now)
            ON CONFLICT (topic, message_id) DO NOTHING
            """)
            .With("$topic", topic)
            .With("$id", messageId)
            .With("$now", now.ToStored());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<int> FanOutAsync(
        SqliteConnection connection, SqliteTransaction transaction, TopicRoute route, TopicMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var visibleAt = message.ScheduledEnqueueTime ?? now;
        var properties = JsonSerializer.Serialize(message.ApplicationProperties);
        var stored = 0;
        foreach (var subscription in route.Subscriptions.Where(subscription => subscription.Accepts(message)))
        {
            var expiresAt = visibleAt + subscription.TimeToLiveFor(message);
            await using var command = connection.CreateCommand(transaction, """
                INSERT INTO bus_deliveries (topic, subscription, message_id, subject, content_type, correlation_id, body, properties, enqueued_at, visible_at, expires_at)
                VALUES ($topic, $subscription, $id, $subject, $contentType, $correlationId, $body, $properties, $now, $visibleAt, $expiresAt)
                """)
                .With("$topic", route.Topic)
                .With("$subscription", subscription.Name)
                .With("$id", message.MessageId)
                .With("$subject", message.Subject)
                .With("$contentType", message.ContentType)
                .With("$correlationId", message.CorrelationId)
                .With("$body", message.Body)
                .With("$properties", properties)
                .With("$now", now.ToStored())
                .With("$visibleAt", visibleAt.ToStored())
                .With("$expiresAt", expiresAt?.ToStored());
            stored += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return stored;
    }
}
