using System.Diagnostics;
using System.Globalization;
using Integration.BusDrill;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Infrastructure.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: Integration.BusDrill publish|consume <database file> <message count>
// Both modes are safe to kill at any moment and run again: publishing repeats are dropped by duplicate
// detection, and consuming repeats are absorbed by the handler's "processed" mark, committed with its effect.
if (args.Length != 3 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var count) || count < 1)
{
    Console.Error.WriteLine("Usage: Integration.BusDrill publish|consume <database file> <message count>");
    return 2;
}

var database = new SqliteDatabase(args[1]);
await new TopicTopologyInstaller(database).EnsureTopologyAsync(DrillTopology.Topology);
var clock = Stopwatch.StartNew();
switch (args[0])
{
    case "publish":
        await PublishAsync(database, count);
        Console.WriteLine(FormattableString.Invariant($"published count={count} seconds={clock.Elapsed.TotalSeconds:F1}"));
        return 0;
    case "consume":
        var absorbed = await ConsumeAsync(database, count);
        Console.WriteLine(FormattableString.Invariant($"consumed count={count} absorbed={absorbed} seconds={clock.Elapsed.TotalSeconds:F1}"));
        return 0;
    default:
        Console.Error.WriteLine($"Unknown mode '{args[0]}'.");
        return 2;
}

static async Task PublishAsync(SqliteDatabase database, int count)
{
    const int BatchSize = 100;
    var bus = new SqliteTopicBus(database, TimeProvider.System);
    for (var start = 0; start < count; start += BatchSize)
    {
        var batch = Enumerable.Range(start, Math.Min(BatchSize, count - start)).Select(DrillMessage).ToList();
        await bus.PublishBatchAsync(DrillTopology.Topic, batch);
    }
}

static TopicMessage DrillMessage(int number) => new()
{
    MessageId = FormattableString.Invariant($"drill-{number:D6}"),
    Subject = "DrillMessage",
    Body = FormattableString.Invariant($$"""{"number":{{number}}}"""),
    ApplicationProperties = new Dictionary<string, string> { ["kind"] = "drill", ["source"] = "drill-publisher" },
};

static async Task<int> ConsumeAsync(SqliteDatabase database, int count)
{
    await ExecuteAsync(database, "CREATE TABLE IF NOT EXISTS drill_effects (subscription TEXT NOT NULL, message_id TEXT NOT NULL)");
    await ExecuteAsync(database, "CREATE TABLE IF NOT EXISTS drill_processed (subscription TEXT NOT NULL, message_id TEXT NOT NULL, PRIMARY KEY (subscription, message_id))");
    var absorbed = 0;
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services
        .AddSingleton(database)
        .AddTopicBus(DrillTopology.Topology, options => options.PollInterval = TimeSpan.FromMilliseconds(50));
    foreach (var subscription in DrillTopology.Subscriptions)
    {
        builder.Services.AddTopicConsumer(DrillTopology.Topic, subscription, async (message, _, cancellationToken) =>
        {
            var ran = await database.WriteAsync(async (connection, transaction) =>
            {
                // The mark first, in the effect's transaction: a redelivery finds it and changes nothing.
                await using var mark = connection.CreateCommand();
                mark.Transaction = transaction;
                mark.CommandText = "INSERT INTO drill_processed (subscription, message_id) VALUES ($subscription, $id) ON CONFLICT DO NOTHING";
                mark.Parameters.AddWithValue("$subscription", subscription);
                mark.Parameters.AddWithValue("$id", message.MessageId);
                if (await mark.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    return false;
                }

                // No unique key on drill_effects on purpose: a message handled twice shows up as two rows.
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO drill_effects (subscription, message_id) VALUES ($subscription, $id)";
                command.Parameters.AddWithValue("$subscription", subscription);
                command.Parameters.AddWithValue("$id", message.MessageId);
                await command.ExecuteNonQueryAsync(cancellationToken);
                return true;
            }, cancellationToken);
            if (!ran)
            {
                Interlocked.Increment(ref absorbed);
            }
        }, maxConcurrency: 8);
    }

    using var host = builder.Build();
    await host.StartAsync();
    // The drill kills this process at a moment of its choosing; the wait for the test's condition, and its cap, are the test's.
    while (!await IsDrainedAsync(database, count))
    {
        await Task.Delay(TimeSpan.FromMilliseconds(250));
    }

    await host.StopAsync();
    return absorbed;
}

// Done when every subscription has processed every message and nothing is left on the topic, not even a dead letter.
static async Task<bool> IsDrainedAsync(SqliteDatabase database, int count)
{
    await using var connection = await database.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = """
        SELECT (SELECT COUNT(*) FROM drill_processed),
               (SELECT COUNT(*) FROM bus_deliveries WHERE topic = $topic)
        """;
    command.Parameters.AddWithValue("$topic", DrillTopology.Topic);
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    return reader.GetInt64(0) == (long)count * DrillTopology.Subscriptions.Length && reader.GetInt64(1) == 0;
}

static async Task ExecuteAsync(SqliteDatabase database, string sql) =>
    await database.WriteAsync(async (connection, transaction) =>
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    });
