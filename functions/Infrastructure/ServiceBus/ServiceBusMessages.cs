using Azure.Messaging.ServiceBus;
using Integration.Domain.Messaging;

namespace Integration.Functions.Infrastructure.ServiceBus;

/// <summary>How a platform message travels on Service Bus.</summary>
public static class ServiceBusMessages
{
    /// <summary>
    /// Every field carries over: the outbox message id becomes the MessageId, so the topic's duplicate detection drops
    /// a message the outbox sweep publishes again; the message type is the Subject; application properties
    /// (<c>department</c> …) are what the subscriptions' correlation filters match.
    /// </summary>
    public static ServiceBusMessage ToServiceBusMessage(TopicMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mapped = new ServiceBusMessage(BinaryData.FromString(message.Body))
        {
            MessageId = message.MessageId,
            Subject = message.Subject,
            ContentType = message.ContentType,
            CorrelationId = message.CorrelationId,
        };
        foreach (var (name, value) in message.ApplicationProperties)
        {
            mapped.ApplicationProperties[name] = value;
        }

        if (message.ScheduledEnqueueTime is { } enqueueAt)
        {
            mapped.ScheduledEnqueueTime = enqueueAt;
        }

        if (message.TimeToLive is { } timeToLive)
        {
            mapped.TimeToLive = timeToLive;
        }

        return mapped;
    }
}
