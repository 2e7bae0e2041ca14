using System.Text.Json;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// Creates the bus tables and upserts the declared topics and subscriptions. Running it again with the same
/// topology changes nothing; changed settings or filters replace the stored ones. Subscriptions that are no
/// longer declared are left in place, because deleting them would silently drop their pending messages.
/// </summary>
public sealed class TopicTopologyInstaller(SqliteDatabase database)
{
    public Task EnsureTopologyAsync(TopicTopology topology, CancellationToken cancellationToken = default)
    {
        Validate(topology);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await BusSchema.CreateAsync(connection, transaction, cancellationToken);
            foreach (var topic in topology.Topics)
            {
                await UpsertTopicAsync(connection, transaction, topic, cancellationToken);
                foreach (var subscription in topic.Subscriptions)
                {
                    await UpsertSubscriptionAsync(connection, transaction, topic.Name, subscription, cancellationToken);
                }
            }

            return topology.Topics.Count;
        }, cancellationToken);
    }

    private static async Task UpsertTopicAsync(SqliteConnection connection, SqliteTransaction transaction, TopicDefinition topic, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, """
            INSERT INTO bus_topics (name, duplicate_window_ms) VALUES ($name, $window)
            ON CONFLICT (name) DO UPDATE SET duplicate_window_ms = excluded.duplicate_window_ms
            """)
            .With("$name", topic.Name)
            .With("$window", (long)topic.DuplicateDetectionWindow.TotalMilliseconds);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task UpsertSubscriptionAsync(
        SqliteConnection connection, SqliteTransaction transaction, string topic, SubscriptionDefinition subscription, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, """
            INSERT INTO bus_subscriptions (topic, name, filters, lock_duration_ms, max_delivery_count, default_ttl_ms)
            VALUES ($topic, $name, $filters, $lock, $max, $ttl)
            ON CONFLICT (topic, name) DO UPDATE SET
                filters = excluded.filters,
                lock_duration_ms = excluded.lock_duration_ms,
                max_delivery_count = excluded.max_delivery_count,
                default_ttl_ms = excluded.default_ttl_ms
            """)
            .With("$topic", topic)
            .With("$name", subscription.Name)
            .With("$filters", JsonSerializer.Serialize(subscription.Filters))
            .With("$lock", (long)subscription.LockDuration.TotalMilliseconds)
            .With("$max", subscription.MaxDeliveryCount)
            .With("$ttl", subscription.DefaultTimeToLive.ToStored());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Validate(TopicTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        foreach (var topic in topology.Topics)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(topic.Name, nameof(topology));
            Require(topic.DuplicateDetectionWindow > TimeSpan.Zero, $"Topic '{topic.Name}' needs a positive duplicate-detection window.");
            foreach (var subscription in topic.Subscriptions)
            {
                var path = $"{topic.Name}/{subscription.Name}";
                ArgumentException.ThrowIfNullOrWhiteSpace(subscription.Name, nameof(topology));
                Require(subscription.LockDuration > TimeSpan.Zero, $"Subscription '{path}' needs a positive lock duration.");
                Require(subscription.MaxDeliveryCount >= 1, $"Subscription '{path}' needs a max delivery count of at least 1.");
                Require(subscription.DefaultTimeToLive is null || subscription.DefaultTimeToLive > TimeSpan.Zero, $"Subscription '{path}' needs a positive default time to live.");
            }
        }
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException(problem, nameof(TopicTopology));
        }
    }
}
