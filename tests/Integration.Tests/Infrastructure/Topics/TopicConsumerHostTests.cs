using System.Collections.Concurrent;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using static Integration.Tests.Infrastructure.Topics.TestBus;

namespace Integration.Tests.Infrastructure.Topics;

[Trait("lane", "integration")]
public sealed class TopicConsumerHostTests
{
    private static readonly TopicTopology Topology = new()
    {
        Topics =
        [
            new TopicDefinition
            {
                Name = "orders",
                Subscriptions =
                [
                    new SubscriptionDefinition { Name = "failing", MaxDeliveryCount = 4 },
                    new SubscriptionDefinition { Name = "working" },
                    new SubscriptionDefinition { Name = "slow" },
                ],
            },
        ],
    };

    [Fact]
    public async Task An_always_failing_handler_dead_letters_while_another_subscription_keeps_flowing()
    {
        await using var bus = await CreateAsync(Topology);
        var attempts = new ConcurrentDictionary<string, int>();
        var handled = new ConcurrentBag<string>();
        await using var host = await StartAsync(bus, services => services
            .AddTopicConsumer("orders", "working", (message, _, _) =>
            {
                handled.Add(message.MessageId);
                return Task.CompletedTask;
            }, maxConcurrency: 4)
            .AddTopicConsumer("orders", "failing", (message, deliveryCount, _) =>
            {
                attempts.AddOrUpdate(message.MessageId, 1, (_, count) => count + 1);
                throw new InvalidOperationException("downstream rejected it");
            }, maxConcurrency: 2));

        await bus.Publisher.PublishBatchAsync("orders", [.. Enumerable.Range(1, 20).Select(i => Message($"m{i}"))], Cancellation);

        await EventuallyAsync(async () => (await bus.CountsAsync("orders", "failing")).DeadLettered == 20, "every failing message is dead-lettered");
        await EventuallyAsync(async () => (await bus.CountsAsync("orders", "working")).Active == 0, "the working subscription is drained");
        Assert.Equal(20, handled.Distinct().Count());
        Assert.All(attempts.Values, count => Assert.Equal(4, count));
        var deadLetters = await bus.Administration.ListDeadLettersAsync("orders", "failing", cancellationToken: Cancellation);
        Assert.All(deadLetters, deadLetter => Assert.Equal((SqliteTopicReceiver.MaxDeliveryCountExceeded, 4), (deadLetter.Reason, deadLetter.DeliveryCount)));
    }

    [Fact]
    public async Task Shutdown_abandons_in_flight_messages_so_they_are_delivered_again_at_once()
    {
        await using var bus = await CreateAsync(Topology);
        var started = new ConcurrentBag<string>();
        var host = await StartAsync(bus, services => services.AddTopicConsumer("orders", "slow", async (message, _, cancellationToken) =>
        {
            started.Add(message.MessageId);
            // A handler still busy at shutdown is the subject: it ends only when the host cancels it.
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }, maxConcurrency: 2));
        await bus.Publisher.PublishBatchAsync("orders", [Message("1"), Message("2"), Message("3")], Cancellation);
        await EventuallyAsync(() => Task.FromResult(started.Count == 2), "two handlers are running");

        await host.DisposeAsync();

        var redelivered = await bus.ReceiveAsync("orders", "slow");
        Assert.Equal(["1:2", "2:2", "3:1"], redelivered.Select(received => $"{received.Message.MessageId}:{received.DeliveryCount}"));
    }

    [Fact]
    public async Task A_handler_that_ignores_cancellation_still_has_its_message_abandoned_when_shutdown_times_out()
    {
        await using var bus = await CreateAsync(Topology);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await StartAsync(bus, services => services.AddTopicConsumer("orders", "slow", async (_, _, _) =>
        {
            started.TrySetResult();
            await release.Task;
        }, maxConcurrency: 1));
        await bus.PublishAsync("orders", Message("stubborn"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

        await host.StopAsync(TimeSpan.FromMilliseconds(300));

        var redelivered = Assert.Single(await bus.ReceiveAsync("orders", "slow"));
        Assert.Equal(("stubborn", 2), (redelivered.Message.MessageId, redelivered.DeliveryCount));
        release.SetResult();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_redelivered_message_changes_nothing_when_the_handler_records_it_as_processed()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.Database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE test_effects (message_id TEXT PRIMARY KEY)";
            return await command.ExecuteNonQueryAsync(Cancellation);
        }, Cancellation);
        var absorbed = 0;
        await using var host = await StartAsync(bus, services => services.AddTopicConsumer("orders", "working", async (message, deliveryCount, cancellationToken) =>
        {
            // The effect is keyed by message id, so a redelivery finds it done.
            var ran = await bus.Database.WriteAsync(async (connection, transaction) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO test_effects (message_id) VALUES ($id) ON CONFLICT (message_id) DO NOTHING";
                command.Parameters.AddWithValue("$id", message.MessageId);
                return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
            }, cancellationToken);
            if (!ran)
            {
                Interlocked.Increment(ref absorbed);
            }

            // The effect is committed but the message is not completed, as when a process dies between the two.
            if (deliveryCount == 1)
            {
                throw new InvalidOperationException("crashed after the effect");
            }
        }));

        await bus.PublishAsync("orders", Message("once"));

        await EventuallyAsync(async () => (await bus.CountsAsync("orders", "working")).Active == 0, "the message is completed");
        Assert.Equal(1, absorbed);
        Assert.Equal(1L, await bus.Database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT COUNT(*) FROM test_effects";
            return (long)(await command.ExecuteScalarAsync(Cancellation))!;
        }, Cancellation));
    }

    private static async Task<RunningHost> StartAsync(TestBus bus, Action<IServiceCollection> addConsumers)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(bus.Database)
            .AddSingleton<TimeProvider>(bus.Time)
            .AddTopicBus(bus.Topology, options => options.PollInterval = TimeSpan.FromMilliseconds(20));
        addConsumers(services);
        var host = new RunningHost(services.BuildServiceProvider());
        await host.StartAsync();
        return host;
    }

    /// <summary>Starts and stops the hosted services the way the generic host does, in order and in reverse.</summary>
    private sealed class RunningHost(ServiceProvider services) : IAsyncDisposable
    {
        private readonly IHostedService[] hostedServices = [.. services.GetServices<IHostedService>()];
        private bool stopped;

        public IServiceProvider Services => services;

        public async Task StartAsync()
        {
            foreach (var hostedService in hostedServices)
            {
                await hostedService.StartAsync(Cancellation);
            }
        }

        public async Task StopAsync(TimeSpan timeout)
        {
            using var shutdown = new CancellationTokenSource(timeout);
            foreach (var hostedService in hostedServices.Reverse())
            {
                await hostedService.StopAsync(shutdown.Token);
            }

            stopped = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!stopped)
            {
                await StopAsync(TimeSpan.FromSeconds(30));
            }

            await services.DisposeAsync();
        }
    }
}
