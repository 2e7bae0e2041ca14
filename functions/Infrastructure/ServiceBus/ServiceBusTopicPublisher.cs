using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Integration.Domain.Messaging;

namespace Integration.Functions.Infrastructure.ServiceBus;

/// <summary>
/// Publishes to Service Bus topics through one cached <see cref="ServiceBusSender"/> per topic (senders are meant to
/// live as long as the app; the client closes them when it is disposed). A list of messages goes in as few batches as
/// fit (<see cref="ServiceBusSender.CreateMessageBatchAsync(CancellationToken)"/> knows the namespace's size limit).
/// A failure after some batches were sent leaves the outbox rows in place; the sweep sends them all again and
/// duplicate detection (MessageId = outbox id) drops those already sent.
/// </summary>
public sealed class ServiceBusTopicPublisher(ServiceBusClient client) : ITopicPublisher
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> senders = new(StringComparer.Ordinal);

    public Task PublishAsync(string topic, TopicMessage message, CancellationToken cancellationToken = default) =>
        PublishBatchAsync(topic, [message], cancellationToken);

    public async Task PublishBatchAsync(string topic, IReadOnlyList<TopicMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            ArgumentException.ThrowIfNullOrWhiteSpace(message.MessageId, nameof(messages));
        }

        if (messages.Count == 0)
        {
            return;
        }

        var sender = senders.GetOrAdd(topic, client.CreateSender);
        var batch = await sender.CreateMessageBatchAsync(cancellationToken);
        try
        {
            foreach (var message in messages)
            {
                var mapped = ServiceBusMessages.ToServiceBusMessage(message);
                if (batch.TryAddMessage(mapped))
                {
                    continue;
                }

                if (batch.Count == 0)
                {
                    throw TooLarge(topic, message, batch.MaxSizeInBytes);
                }

                await sender.SendMessagesAsync(batch, cancellationToken);
                batch.Dispose();
                batch = await sender.CreateMessageBatchAsync(cancellationToken);
                if (!batch.TryAddMessage(mapped))
                {
                    throw TooLarge(topic, message, batch.MaxSizeInBytes);
                }
            }

            if (batch.Count > 0)
            {
                await sender.SendMessagesAsync(batch, cancellationToken);
            }
        }
        finally
        {
            batch.Dispose();
        }
    }

    private static InvalidOperationException TooLarge(string topic, TopicMessage message, long maxSizeInBytes) =>
        new($"Message '{message.MessageId}' ({message.Subject}) does not fit in a Service Bus message for topic '{topic}' " +
            $"(at most {maxSizeInBytes} bytes with its properties); large content must travel by claim check (a blob and its SHA-256).");
}
