using Integration.Domain.Messaging;
using Microsoft.Data.Sqlite;

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

/// <summary>A message seen without taking its lock; <see cref="LockedUntil"/> is set while a receiver holds it.</summary>
public sealed record PeekedMessage(
    string Topic,
    string Subscription,
    TopicMessage Message,
    long SequenceNumber,
    int DeliveryCount,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? LockedUntil);

/// <summary>A lock named by everything a caller gives for it: the subscription, the message and the token.</summary>
public sealed record MessageLock(string Topic, string Subscription, string MessageId, Guid LockToken)
{
    internal SqliteCommand AddTo(SqliteCommand command) =>
        command.With("$topic", Topic).With("$subscription", Subscription).With("$messageId", MessageId);
}
