using System.Text.Json;
using Integration.Domain.Messaging;
using Microsoft.Data.Sqlite;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>A topic's stored settings and subscriptions, read inside the publishing transaction.</summary>
internal sealed record TopicRoute(string Topic, TimeSpan DuplicateDetectionWindow, IReadOnlyList<SubscriptionRoute> Subscriptions)
{
    public static async Task<TopicRoute> LoadAsync(SqliteConnection connection, SqliteTransaction transaction, string topic, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, """
            SELECT t.duplicate_window_ms, s.name, s.filters, s.default_ttl_ms
            FROM bus_topics t LEFT JOIN bus_subscriptions s ON s.topic = t.name
            WHERE t.name = $topic
            ORDER BY s.name
            """)
            .With("$topic", topic);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        TimeSpan? window = null;
        var subscriptions = new List<SubscriptionRoute>();
        while (await reader.ReadAsync(cancellationToken))
        {
            window = TimeSpan.FromMilliseconds(reader.GetInt64(0));
            if (!reader.IsDBNull(1))
            {
                subscriptions.Add(new SubscriptionRoute(
                    reader.GetString(1),
                    JsonSerializer.Deserialize<List<CorrelationFilter>>(reader.GetString(2)) ?? [],
                    reader.IsDBNull(3) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(3))));
            }
        }

        return window is { } found
            ? new TopicRoute(topic, found, subscriptions)
            : throw new MessagingEntityNotFoundException(topic);
    }
}

internal sealed record SubscriptionRoute(string Name, IReadOnlyList<CorrelationFilter> Filters, TimeSpan? DefaultTimeToLive)
{
    public bool Accepts(TopicMessage message) => Filters.Count == 0 || Filters.Any(filter => filter.Matches(message));

    /// <summary>The shorter of the message's and the subscription's time to live, as Service Bus applies them.</summary>
    public TimeSpan? TimeToLiveFor(TopicMessage message) =>
        (message.TimeToLive, DefaultTimeToLive) switch
        {
            ({ } own, { } cap) => own < cap ? own : cap,
            (var own, var cap) => own ?? cap,
        };
}
