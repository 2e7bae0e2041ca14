using System.Diagnostics;
using Integration.Benchmarks.Harness;
using Integration.Functions.Infrastructure.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Integration.Benchmarks.Suites;

internal sealed class TopicBusSuite : IBenchmarkSuite
{
    /// <summary>Messages per receive call when draining by hand: the consumer host's default concurrency.</summary>
    public const int ReceiveBatch = 16;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);

    public string Name => "bus";

    public string Description => "embedded topic bus: publish, receive+complete, consumer host, publish-to-drained";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var root = run.Options.DataRoot;
        await run.MeasureAsync(Name, PublishOneByOne(root), cancellationToken);
        await run.MeasureAsync(Name, PublishBatches(root), cancellationToken);
        foreach (var subscription in BenchBus.Subscriptions)
        {
            await run.MeasureAsync(Name, ReceiveAndComplete(root, subscription), cancellationToken);
        }

        foreach (var concurrency in new[] { 1, 16 })
        {
            await run.MeasureAsync(Name, ConsumerHost(root, concurrency), cancellationToken);
        }

        await run.MeasureAsync(Name, EndToEnd(root, concurrency: 16), cancellationToken);
    }

    private static Workload PublishOneByOne(string root) => new(
        "publish, one message per call",
        "messages/s",
        2_000,
        200,
        async (count, clock, cancellationToken) =>
        {
            using var bus = await BenchBus.CreateAsync(root, cancellationToken);
            var messages = Enumerable.Range(0, count).Select(BenchBus.Message).ToList();
            clock.Start();
            foreach (var message in messages)
            {
                await bus.Publisher.PublishAsync(BenchBus.Topic, message, cancellationToken);
            }

            clock.Stop();
            return count;
        })
    { Note = "each call is one committed transaction storing the message for 3 subscriptions" };

    private static Workload PublishBatches(string root) => new(
        $"publish, batches of {BenchBus.BatchSize}",
        "messages/s",
        20_000,
        2_000,
        async (count, clock, cancellationToken) =>
        {
            using var bus = await BenchBus.CreateAsync(root, cancellationToken);
            var batches = BenchBus.Batches(count);
            clock.Start();
            foreach (var batch in batches)
            {
                await bus.Publisher.PublishBatchAsync(BenchBus.Topic, batch, cancellationToken);
            }

            clock.Stop();
            return count;
        });

    private static Workload ReceiveAndComplete(string root, string subscription) => new(
        $"receive ({ReceiveBatch} per call) + complete each, subscription '{subscription}'",
        "messages/s",
        5_000,
        500,
        async (count, clock, cancellationToken) =>
        {
            using var bus = await BenchBus.CreateAsync(root, cancellationToken);
            await bus.PublishAsync(count, cancellationToken);
            long completed = 0;
            clock.Start();
            while (true)
            {
                var received = await bus.Receiver.ReceiveAsync(BenchBus.Topic, subscription, ReceiveBatch, cancellationToken);
                if (received.Count == 0)
                {
                    break;
                }

                foreach (var message in received)
                {
                    await bus.Receiver.CompleteAsync(message.LockToken, cancellationToken);
                    completed++;
                }
            }

            clock.Stop();
            return completed == count
                ? completed
                : throw new InvalidOperationException($"Drained {completed} messages from '{subscription}'; {count} were published.");
        })
    { Note = subscription == BenchBus.Subscriptions[0] ? "one caller; the other two subscriptions hold their copies meanwhile" : null };

    private static Workload ConsumerHost(string root, int concurrency) => new(
        $"consumer host, 3 subscriptions, concurrency {concurrency} each",
        "deliveries/s",
        5_000,
        500,
        async (count, clock, cancellationToken) =>
        {
            using var bus = await BenchBus.CreateAsync(root, cancellationToken);
            await bus.PublishAsync(count, cancellationToken);
            var handled = new Counter();
            using var host = BuildHost(bus, concurrency, handled);
            var expected = (long)count * BenchBus.Subscriptions.Length;
            clock.Start();
            await host.StartAsync(cancellationToken);
            await WaitUntilDrainedAsync(bus, handled, expected, cancellationToken);
            clock.Stop();
            await host.StopAsync(cancellationToken);
            return expected;
        })
    { Note = concurrency == 1 ? "messages published beforehand (untimed); handlers do nothing, so this is the bus's own cost; a delivery is one message on one subscription" : null };

    private static Workload EndToEnd(string root, int concurrency) => new(
        $"end to end: publish in batches of {BenchBus.BatchSize} until all 3 subscriptions drained (host, concurrency {concurrency})",
        "messages/s",
        5_000,
        500,
        async (count, clock, cancellationToken) =>
        {
            using var bus = await BenchBus.CreateAsync(root, cancellationToken);
            var handled = new Counter();
            using var host = BuildHost(bus, concurrency, handled);
            await host.StartAsync(cancellationToken);
            var batches = BenchBus.Batches(count);
            clock.Start();
            foreach (var batch in batches)
            {
                await bus.Publisher.PublishBatchAsync(BenchBus.Topic, batch, cancellationToken);
            }

            await WaitUntilDrainedAsync(bus, handled, (long)count * BenchBus.Subscriptions.Length, cancellationToken);
            clock.Stop();
            await host.StopAsync(cancellationToken);
            return count;
        })
    { Note = "the clock runs from the first publish until every subscription has completed every message (3 deliveries each)" };

    private static IHost BuildHost(BenchBus bus, int concurrency, Counter handled)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services
            .AddSingleton(bus.Database)
            .AddTopicBus(BenchBus.Topology);
        foreach (var subscription in BenchBus.Subscriptions)
        {
            builder.Services.AddTopicConsumer(
                BenchBus.Topic,
                subscription,
                (_, _, _) =>
                {
                    handled.Increment();
                    return Task.CompletedTask;
                },
                concurrency);
        }

        return builder.Build();
    }

    /// <summary>Done when the handlers have seen every delivery and every completion is committed.</summary>
    private static async Task WaitUntilDrainedAsync(BenchBus bus, Counter handled, long expected, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (handled.Value < expected || await bus.PendingAsync(BenchBus.Topic, cancellationToken) > 0)
        {
            if (waited.Elapsed > DrainTimeout)
            {
                throw new TimeoutException($"The subscriptions were not drained within {DrainTimeout}: {handled.Value} of {expected} deliveries handled.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
        }
    }

    private sealed class Counter
    {
        private long value;

        public long Value => Interlocked.Read(ref value);

        public void Increment() => Interlocked.Increment(ref value);
    }
}
