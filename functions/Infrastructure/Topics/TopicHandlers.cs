using Integration.Domain.Messaging;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// A topic-triggered function. Returning completes the message; throwing abandons it, so it is delivered
/// again until the subscription's max delivery count dead-letters it.
/// </summary>
public delegate Task TopicMessageHandler(TopicMessage message, int deliveryCount, CancellationToken cancellationToken);

/// <summary>One subscription the consumer host polls, and how to build its handler inside a message's DI scope.</summary>
public sealed record TopicConsumerRegistration(
    string Topic,
    string Subscription,
    int MaxConcurrency,
    Func<IServiceProvider, TopicMessageHandler> ResolveHandler);
