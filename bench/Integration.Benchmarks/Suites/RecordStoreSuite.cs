using System.Globalization;
using Integration.Benchmarks.Harness;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Platform.Records;
using Microsoft.Extensions.Logging;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// Durable record transitions on the embedded store and bus, as the flows make them: each creates a record with its
/// first history entry and two outbox messages in one batch, then publishes the messages (3 subscriptions each) and
/// deletes the outbox rows.
/// </summary>
internal sealed class RecordStoreSuite : IBenchmarkSuite
{
    public string Name => "records";

    public string Description => "record store: create transitions with history and 2 outbox messages, published to the bus";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var logging = LoggerFactory.Create(builder => builder.AddConsole().SetMinimumLevel(LogLevel.Warning));
        foreach (var writers in new[] { 1, 8 })
        {
            await run.MeasureAsync(Name, Creates(run.Options.DataRoot, writers, logging), cancellationToken);
        }
    }

    private static Workload Creates(string root, int writers, ILoggerFactory logging) => new(
        writers == 1 ? "create transitions, 1 writer" : $"create transitions, {writers} concurrent writers",
        "transitions/s",
        2_000,
        200,
        async (count, clock, cancellationToken) =>
        {
            using var bus = await BenchBus.CreateAsync(root, cancellationToken);
            var records = new RecordStore(
                new SqliteTableStore(bus.Database, TimeProvider.System),
                new OutboxDispatcher(new SqliteTableStore(bus.Database, TimeProvider.System), bus.Publisher, logging.CreateLogger<OutboxDispatcher>()),
                TimeProvider.System);
            var share = (count + writers - 1) / writers;
            clock.Start();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(
                async () =>
                {
                    foreach (var number in Enumerable.Range(writer * share, Math.Max(0, Math.Min(share, count - (writer * share)))))
                    {
                        var id = "a" + number.ToString("D7", CultureInfo.InvariantCulture);
                        await records.CreateAsync(new RecordKey("approval", id), Change(id), cancellationToken);
                    }
                },
                cancellationToken)));
            clock.Stop();

            // Untimed: a transition that left its messages in the outbox would flatter the figure.
            var expected = (long)count * 2 * 3;
            var pending = await bus.PendingAsync(BenchBus.RecordsTopic, cancellationToken);
            return pending == expected
                ? count
                : throw new InvalidOperationException($"{pending} deliveries on '{BenchBus.RecordsTopic}' after {count} transitions; expected {expected}.");
        })
    {
        Note = writers == 1
            ? "a transition is one batch (state, history entry, 2 outbox rows), then 2 publishes to 3 subscriptions and 2 outbox deletes"
            : null,
    };

    private static Change<BenchApproval> Change(string id)
    {
        var properties = new Dictionary<string, string> { ["kind"] = "bench", ["action"] = "created" };
        return new Change<BenchApproval>
        {
            State = new BenchApproval(id, "2026-371000-48-01-000001", "pending", ["housing"]),
            Action = "approval.created",
            Principal = "approval-system",
            Details = new { version = 1, source = "bench" },
            Messages =
            [
                new OutboundMessage(BenchBus.RecordsTopic, "approval.pushed", new { approvalId = id, department = "housing" }, properties),
                new OutboundMessage(BenchBus.RecordsTopic, "approval.routed", new { approvalId = id, departments = new[] { "housing" } }, properties),
            ],
        };
    }

    private sealed record BenchApproval(string ApprovalId, string ProjectCode, string Status, IReadOnlyList<string> Departments);
}
