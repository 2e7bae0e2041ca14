using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Infrastructure.Topics;
using Integration.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Integration.Tests.Infrastructure.Topics;

/// <summary>A bus on a fresh database file in a temporary folder, with a manual clock.</summary>
internal sealed class TestBus : IAsyncDisposable
{
    private TestBus(string folder, TopicTopology topology)
    {
        Folder = folder;
        Topology = topology;
        Database = new SqliteDatabase(Path.Combine(folder, "bus.db"));
        Publisher = new SqliteTopicBus(Database, Time);
        Receiver = new SqliteTopicReceiver(Database, Time);
        Administration = new TopicAdministration(Database, Time);
    }

    public string Folder { get; }

    public TopicTopology Topology { get; }

    public ManualTimeProvider Time { get; } = new();

    public SqliteDatabase Database { get; }

    public SqliteTopicBus Publisher { get; }

    public SqliteTopicReceiver Receiver { get; }

    public TopicAdministration Administration { get; }

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static async Task<TestBus> CreateAsync(TopicTopology topology)
    {
        var folder = Path.Combine(Path.GetTempPath(), "bus-tests-" + Guid.NewGuid().ToString("N"));
        var bus = new TestBus(folder, topology);
        await new TopicTopologyInstaller(bus.Database).EnsureTopologyAsync(topology, Cancellation);
        return bus;
    }

    public static TopicMessage Message(string id, params (string Name, string Value)[] properties) => new()
    {
        MessageId = id,
        Subject = "CaseUpdated",
        Body = $$"""{"id":"{{id}}"}""",
        ApplicationProperties = properties.ToDictionary(property => property.Name, property => property.Value),
    };

    public Task PublishAsync(string topic, TopicMessage message) => Publisher.PublishAsync(topic, message, Cancellation);

    public Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(string topic, string subscription, int maxMessages = 10) =>
        Receiver.ReceiveAsync(topic, subscription, maxMessages, Cancellation);

    public async Task<IReadOnlyList<string>> ReceiveIdsAsync(string topic, string subscription, int maxMessages = 10) =>
        [.. (await ReceiveAsync(topic, subscription, maxMessages)).Select(received => received.Message.MessageId)];

    public async Task<SubscriptionCounts> CountsAsync(string topic, string subscription) =>
        (await Administration.GetSubscriptionCountsAsync(Cancellation)).Single(counts => counts.Topic == topic && counts.Subscription == subscription);

    /// <summary>Waits, in real time, for background work to reach a state.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Support.Eventually.WaitUntilAsync(condition, Support.Eventually.Patience, what, Cancellation);

    public async ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them before deleting the folder.
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
