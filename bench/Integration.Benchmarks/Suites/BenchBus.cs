using System.Globalization;
using Integration.Benchmarks.Harness;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Infrastructure.Topics;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// A bus on a fresh database file. Its topic has three subscriptions that each accept every message, through the three
/// kinds of rule the platform uses (match-all and two correlation filters), so each message is stored three times.
/// </summary>
internal sealed class BenchBus : IDisposable
{
    public const string Topic = "bench";
    public const string RecordsTopic = "records";
    public const int BatchSize = 100;

    public static readonly string[] Subscriptions = ["all", "by-kind", "by-source"];

    public static readonly TopicTopology Topology = new()
    {
        Topics =
        [
            new TopicDefinition
            {
                Name = Topic,
                Subscriptions =
                [
                    new SubscriptionDefinition { Name = "all" },
                    new SubscriptionDefinition { Name = "by-kind", Filters = [CorrelationFilter.Property("kind", "bench")] },
                    new SubscriptionDefinition { Name = "by-source", Filters = [CorrelationFilter.Property("source", "bench-publisher")] },
                ],
            },
            new TopicDefinition
            {
                Name = RecordsTopic,
                Subscriptions =
                [
                    new SubscriptionDefinition { Name = "all" },
                    new SubscriptionDefinition { Name = "by-kind", Filters = [CorrelationFilter.Property("kind", "bench")] },
                    new SubscriptionDefinition { Name = "by-action", Filters = [CorrelationFilter.Property("action", "created")] },
                ],
            },
        ],
    };

    // About 1 KB, like the entities of the table-store workloads.
    private static readonly string Body = $$"""{"approvalId":"%ID%","note":"{{new string('n', 960)}}"}""";

    private readonly Scratch scratch;

    private BenchBus(Scratch scratch)
    {
        this.scratch = scratch;
        Database = new SqliteDatabase(scratch.DatabaseFile);
        Publisher = new SqliteTopicBus(Database, TimeProvider.System);
        Receiver = new SqliteTopicReceiver(Database, TimeProvider.System);
    }

    public SqliteDatabase Database { get; }

    public SqliteTopicBus Publisher { get; }

    public SqliteTopicReceiver Receiver { get; }

    public static async Task<BenchBus> CreateAsync(string dataRoot, CancellationToken cancellationToken)
    {
        var bus = new BenchBus(Scratch.Create(dataRoot, "bus"));
        await new TopicTopologyInstaller(bus.Database).EnsureTopologyAsync(Topology, cancellationToken);
        return bus;
    }

    public static TopicMessage Message(int number)
    {
        var id = "m" + number.ToString("D7", CultureInfo.InvariantCulture);
        return new TopicMessage
        {
            MessageId = id,
            Subject = "approval.pushed",
            Body = Body.Replace("%ID%", id, StringComparison.Ordinal),
            ApplicationProperties = new Dictionary<string, string> { ["kind"] = "bench", ["source"] = "bench-publisher" },
        };
    }

    public static List<TopicMessage[]> Batches(int count) => [.. Enumerable.Range(0, count).Select(Message).Chunk(BatchSize)];

    public async Task PublishAsync(int count, CancellationToken cancellationToken)
    {
        foreach (var batch in Batches(count))
        {
            await Publisher.PublishBatchAsync(Topic, batch, cancellationToken);
        }
    }

    /// <summary>Messages still on a topic: active, locked, scheduled or dead-lettered. Zero means every subscription is drained.</summary>
    public async Task<long> PendingAsync(string topic, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM bus_deliveries WHERE topic = $topic";
        command.Parameters.AddWithValue("$topic", topic);
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }

    public void Dispose() => scratch.Dispose();
}
