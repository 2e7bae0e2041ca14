using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace Integration.Tests.Infrastructure.ServiceBus;

/// <summary>
/// Stands in for a Service Bus namespace, which cannot run here: records what each sender sends, batch by batch.
/// Batches come from <see cref="ServiceBusModelFactory"/> and hold at most <see cref="MessagesPerBatch"/> messages,
/// and never one whose body is larger than <see cref="MaxBodyBytes"/>, so tests can make a batch fill up.
/// </summary>
internal sealed class RecordingServiceBusClient : ServiceBusClient
{
    public int MessagesPerBatch { get; init; } = 100;

    public int MaxBodyBytes { get; init; } = 200_000;

    public ConcurrentQueue<string> SendersCreated { get; } = new();

    public ConcurrentQueue<(string Topic, IReadOnlyList<ServiceBusMessage> Batch)> Sent { get; } = new();

    public IReadOnlyList<ServiceBusMessage> SentTo(string topic) => Sent.Where(s => s.Topic == topic).SelectMany(s => s.Batch).ToArray();

    public override ServiceBusSender CreateSender(string queueOrTopicName)
    {
        SendersCreated.Enqueue(queueOrTopicName);
        return new RecordingSender(this, queueOrTopicName);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class RecordingSender(RecordingServiceBusClient bus, string topic) : ServiceBusSender
    {
        private readonly ConcurrentDictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> contents = new();

        public override string EntityPath => topic;

        public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
            CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

        public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
        {
            var store = new List<ServiceBusMessage>();
            var batch = ServiceBusModelFactory.ServiceBusMessageBatch(
                256 * 1024, store, options, message => store.Count < bus.MessagesPerBatch && message.Body.ToMemory().Length <= bus.MaxBodyBytes);
            contents[batch] = store;
            return ValueTask.FromResult(batch);
        }

        public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(messageBatch);
            bus.Sent.Enqueue((topic, contents[messageBatch].ToArray()));
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
