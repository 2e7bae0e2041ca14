using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.ServiceBus;
using Integration.Functions.Infrastructure.Topics;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Messaging;

/// <summary>What a receive or settle came to; the functions turn each case into its HTTP answer.</summary>
public abstract record InboxOutcome
{
    private InboxOutcome()
    {
    }

    /// <summary>A message locked for the caller (<see cref="Locked"/>) or, for an operator, seen without a lock (<see cref="Peeked"/>).</summary>
    public sealed record Delivered(ReceivedMessage? Locked, PeekedMessage? Peeked) : InboxOutcome;

    public sealed record Empty : InboxOutcome;

    public sealed record Settled : InboxOutcome;

    public sealed record Denied(string Detail) : InboxOutcome;

    public sealed record Unknown(string Detail) : InboxOutcome;

    public sealed record Invalid(FieldErrors Errors) : InboxOutcome;

    public sealed record LockLost(string Detail) : InboxOutcome;

    /// <summary>The topic lives on Service Bus: its subscribers read it there, with their own credentials.</summary>
    public sealed record OnServiceBus(string Detail, string Namespace, string EntityPath) : InboxOutcome;
}

/// <summary>
/// A subscriber's view of its own subscription on the embedded bus, modelled on Service Bus's REST receive
/// (peek-lock, complete, abandon). A subscription belongs to the principal it is named after; the operator may look
/// at any subscription, without taking a lock, so looking never delays or re-counts a delivery of the owner's.
/// </summary>
public sealed class SubscriptionInbox(
    SqliteTopicReceiver receiver, TopicTopology topology, IOptions<MessagingOptions> messaging, ServiceBusTopology? serviceBus = null)
{
    public async Task<InboxOutcome> ReceiveAsync(Principal caller, string topic, string subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Check(caller, topic, subscription, allowOperator: true) is { } refused)
        {
            return refused;
        }

        if (IsOwner(caller, subscription))
        {
            var received = await receiver.ReceiveAsync(topic, subscription, 1, cancellationToken);
            return received.Count == 0 ? new InboxOutcome.Empty() : new InboxOutcome.Delivered(received[0], null);
        }

        var peeked = await receiver.PeekAsync(topic, subscription, cancellationToken);
        return peeked is null ? new InboxOutcome.Empty() : new InboxOutcome.Delivered(null, peeked);
    }

    public Task<InboxOutcome> CompleteAsync(Principal caller, string topic, string subscription, string messageId, string lockToken, CancellationToken cancellationToken) =>
        SettleAsync(caller, topic, subscription, messageId, lockToken, receiver.CompleteAsync, cancellationToken);

    public Task<InboxOutcome> AbandonAsync(Principal caller, string topic, string subscription, string messageId, string lockToken, CancellationToken cancellationToken) =>
        SettleAsync(caller, topic, subscription, messageId, lockToken, receiver.AbandonAsync, cancellationToken);

    private async Task<InboxOutcome> SettleAsync(
        Principal caller, string topic, string subscription, string messageId, string lockToken,
        Func<MessageLock, CancellationToken, Task> settle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Check(caller, topic, subscription, allowOperator: false) is { } refused)
        {
            return refused;
        }

        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(messageId) || messageId.Length > 128)
        {
            errors.Add("messageId", "Give the messageId of the received message (at most 128 characters).");
        }

        if (!Guid.TryParse(lockToken, out var token))
        {
            errors.Add("lockToken", "Give the lockToken of the received message, a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");
        }

        if (!errors.IsEmpty)
        {
            return new InboxOutcome.Invalid(errors);
        }

        try
        {
            await settle(new MessageLock(topic, subscription, messageId, token), cancellationToken);
            return new InboxOutcome.Settled();
        }
        catch (MessageLockLostException)
        {
            return new InboxOutcome.LockLost(
                $"No lock {token} is held on message {TextRules.Echo(messageId)} of {topic}/{subscription}: it expired, or the message was already completed or abandoned. " +
                "Receive again; an expired or abandoned message is delivered again.");
        }
    }

    /// <summary>Where the topic lives, then whether it and the subscription exist, then whether the caller may use it.</summary>
    private InboxOutcome? Check(Principal caller, string topic, string subscription, bool allowOperator)
    {
        if (messaging.Value.Provider == MessagingProvider.ServiceBus && serviceBus?.Topology.Topics.Any(t => t.Name == topic) == true)
        {
            var ns = messaging.Value.ServiceBus.FullyQualifiedNamespace ?? "the namespace in Messaging:ServiceBus";
            return new InboxOutcome.OnServiceBus(
                $"Topic '{topic}' is on Service Bus: read subscription '{subscription}' of topic '{topic}' on {ns} with your own credentials " +
                "(Azure Service Bus Data Receiver on that subscription). This endpoint serves the embedded bus only.",
                ns, $"{topic}/Subscriptions/{subscription}");
        }

        var declared = topology.Topics.FirstOrDefault(t => t.Name == topic);
        if (declared is null)
        {
            return new InboxOutcome.Unknown($"There is no topic {TextRules.Echo(topic)}.");
        }

        if (!declared.Subscriptions.Any(s => s.Name == subscription))
        {
            return new InboxOutcome.Unknown($"Topic '{topic}' has no subscription {TextRules.Echo(subscription)}.");
        }

        if (IsOwner(caller, subscription) || (allowOperator && caller.Has(PrincipalRole.Admin)))
        {
            return null;
        }

        return new InboxOutcome.Denied(allowOperator
            ? $"Subscription '{subscription}' belongs to principal '{subscription}'; '{caller.Id}' may not read it."
            : $"Only principal '{subscription}' settles messages of its subscription; '{caller.Id}' may not (operators peek without a lock).");
    }

    private static bool IsOwner(Principal caller, string subscription) => string.Equals(caller.Id, subscription, StringComparison.Ordinal);
}
