namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// The topics and subscriptions the application expects, declared in code or bound from configuration
/// and applied idempotently at start-up, the way infrastructure-as-code declares Service Bus entities.
/// </summary>
public sealed record TopicTopology
{
    public IReadOnlyList<TopicDefinition> Topics { get; init; } = [];
}

public sealed record TopicDefinition
{
    public required string Name { get; init; }

    /// <summary>A second publish of the same MessageId within this window is dropped.</summary>
    public TimeSpan DuplicateDetectionWindow { get; init; } = TimeSpan.FromMinutes(10);

    public IReadOnlyList<SubscriptionDefinition> Subscriptions { get; init; } = [];
}

public sealed record SubscriptionDefinition
{
    public required string Name { get; init; }

    /// <summary>A message is delivered when any filter matches; no filters at all is the default match-all rule.</summary>
    public IReadOnlyList<CorrelationFilter> Filters { get; init; } = [];

    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>Caps the message's own time to live, as the entity default does in Service Bus.</summary>
    public TimeSpan? DefaultTimeToLive { get; init; }
}
