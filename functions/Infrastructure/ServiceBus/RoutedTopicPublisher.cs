using Integration.Domain.Messaging;

namespace Integration.Functions.Infrastructure.ServiceBus;

/// <summary>
/// Sends the topics other systems read to Service Bus and keeps the topics the app consumes itself on the embedded
/// bus: no Service Bus trigger can be declared by this build, so a message the app must act on cannot wait on one.
/// </summary>
public sealed class RoutedTopicPublisher(ITopicPublisher external, ITopicPublisher embedded, IReadOnlySet<string> embeddedTopics) : ITopicPublisher
{
    public Task PublishAsync(string topic, TopicMessage message, CancellationToken cancellationToken = default) =>
        For(topic).PublishAsync(topic, message, cancellationToken);

    public Task PublishBatchAsync(string topic, IReadOnlyList<TopicMessage> messages, CancellationToken cancellationToken = default) =>
        For(topic).PublishBatchAsync(topic, messages, cancellationToken);

    private ITopicPublisher For(string topic) => embeddedTopics.Contains(topic) ? embedded : external;
}
