using Integration.Domain.Messaging;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>A message locked for one receiver; settle it with its <see cref="LockToken"/> before <see cref="LockedUntil"/>.</summary>
public sealed record ReceivedMessage(
    string Topic,
    string Subscription,
    TopicMessage Message,
    long SequenceNumber,
    int DeliveryCount,
    Guid LockToken,
    DateTimeOffset LockedUntil,
    DateTimeOffset EnqueuedAt);
