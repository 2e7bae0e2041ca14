namespace Integration.Domain.Messaging;

/// <summary>
/// A message as Service Bus carries it: an id (used for duplicate detection), a subject,
/// a JSON body and application properties that subscription filters match on.
/// </summary>
public sealed record TopicMessage
{
    public required string MessageId { get; init; }
    public required string Subject { get; init; }
    public required string Body { get; init; }
    public string ContentType { get; init; } = "application/json";
    public string? CorrelationId { get; init; }
    public IReadOnlyDictionary<string, string> ApplicationProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>When set, the message is invisible to subscribers until this instant.</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; init; }

    /// <summary>When set, the message expires (and is dead-lettered with TTLExpiredException) after this long.</summary>
    public TimeSpan? TimeToLive { get; init; }
}

/// <summary>Publishes to topics. Publishing the same MessageId twice within the duplicate-detection window stores it once.</summary>
public interface ITopicPublisher
{
    Task PublishAsync(string topic, TopicMessage message, CancellationToken cancellationToken = default);

    Task PublishBatchAsync(string topic, IReadOnlyList<TopicMessage> messages, CancellationToken cancellationToken = default);
}
