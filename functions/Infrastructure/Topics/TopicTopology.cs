using Integration.Domain.Identity;

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
    /// <summary>The application property every per-principal subscription filters on: the id of the principal a message is for.</summary>
    public const string RecipientProperty = "department";

    public required string Name { get; init; }

    /// <summary>A second publish of the same MessageId within this window is dropped.</summary>
    public TimeSpan DuplicateDetectionWindow { get; init; } = TimeSpan.FromMinutes(10);

    public IReadOnlyList<SubscriptionDefinition> Subscriptions { get; init; } = [];

    /// <summary>
    /// The one shape of a flow's topic that principals read: a subscription per principal, named after
    /// its id, receiving only the messages whose <see cref="RecipientProperty"/> is that id.
    /// </summary>
    public static TopicDefinition PerPrincipal(string name, IEnumerable<Principal> principals)
    {
        ArgumentNullException.ThrowIfNull(principals);
        return new TopicDefinition
        {
            Name = name,
            Subscriptions = principals
                .Select(p => new SubscriptionDefinition { Name = p.Id, Filters = [CorrelationFilter.Property(RecipientProperty, p.Id)] })
                .ToArray(),
        };
    }
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
