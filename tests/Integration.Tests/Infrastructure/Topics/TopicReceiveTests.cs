using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Infrastructure.Topics;
using Microsoft.Data.Sqlite;
using Xunit;
using static Integration.Tests.Infrastructure.Topics.TestBus;

namespace Integration.Tests.Infrastructure.Topics;

[Trait("lane", "integration")]
public sealed class TopicReceiveTests
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
                    new SubscriptionDefinition { Name = "billing", LockDuration = TimeSpan.FromSeconds(30), MaxDeliveryCount = 3 },
                    new SubscriptionDefinition { Name = "expiring", DefaultTimeToLive = TimeSpan.FromMinutes(1) },
                ],
            },
        ],
    };

    [Fact]
    public async Task Receive_locks_in_enqueue_order_and_complete_removes()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("1"));
        await bus.PublishAsync("orders", Message("2"));

        var first = Assert.Single(await bus.ReceiveAsync("orders", "billing", 1));
        Assert.Equal("1", first.Message.MessageId);
        Assert.Equal(1, first.DeliveryCount);
        Assert.Equal(["2"], await bus.ReceiveIdsAsync("orders", "billing"));

        await bus.Receiver.CompleteAsync(first.LockToken, Cancellation);
        bus.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["2"], await bus.ReceiveIdsAsync("orders", "billing"));
    }

    [Fact]
    public async Task A_received_message_keeps_its_content()
    {
        await using var bus = await CreateAsync(Topology);
        var sent = Message("1", ("department", "housing")) with { CorrelationId = "corr-1", ContentType = "text/plain", TimeToLive = TimeSpan.FromHours(1) };
        await bus.PublishAsync("orders", sent);

        var received = Assert.Single(await bus.ReceiveAsync("orders", "billing"));

        Assert.Equal(sent.MessageId, received.Message.MessageId);
        Assert.Equal(sent.Subject, received.Message.Subject);
        Assert.Equal(sent.Body, received.Message.Body);
        Assert.Equal(sent.CorrelationId, received.Message.CorrelationId);
        Assert.Equal(sent.ContentType, received.Message.ContentType);
        Assert.Equal(sent.TimeToLive, received.Message.TimeToLive);
        Assert.Equal(sent.ApplicationProperties, received.Message.ApplicationProperties);
        Assert.Equal(bus.Time.GetUtcNow(), received.EnqueuedAt);
    }

    [Fact]
    public async Task An_expired_lock_makes_the_message_receivable_again_with_delivery_count_2()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("1"));
        var first = Assert.Single(await bus.ReceiveAsync("orders", "billing"));

        bus.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await bus.ReceiveAsync("orders", "billing"));
        bus.Time.Advance(TimeSpan.FromSeconds(1));
        var second = Assert.Single(await bus.ReceiveAsync("orders", "billing"));

        Assert.Equal(2, second.DeliveryCount);
        await Assert.ThrowsAsync<MessageLockLostException>(() => bus.Receiver.CompleteAsync(first.LockToken, Cancellation));
        await bus.Receiver.CompleteAsync(second.LockToken, Cancellation);
    }

    [Fact]
    public async Task Abandon_releases_the_lock_at_once_and_keeps_the_count()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("1"));
        var first = Assert.Single(await bus.ReceiveAsync("orders", "billing"));

        await bus.Receiver.AbandonAsync(first.LockToken, Cancellation);

        Assert.Equal(2, Assert.Single(await bus.ReceiveAsync("orders", "billing")).DeliveryCount);
        await Assert.ThrowsAsync<MessageLockLostException>(() => bus.Receiver.AbandonAsync(first.LockToken, Cancellation));
    }

    [Fact]
    public async Task Renewing_a_lock_extends_it_from_now()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("1"));
        var received = Assert.Single(await bus.ReceiveAsync("orders", "billing"));

        bus.Time.Advance(TimeSpan.FromSeconds(20));
        var lockedUntil = await bus.Receiver.RenewLockAsync(received.LockToken, Cancellation);
        bus.Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(bus.Time.GetUtcNow().AddSeconds(10), lockedUntil);
        Assert.Empty(await bus.ReceiveAsync("orders", "billing"));
        await bus.Receiver.CompleteAsync(received.LockToken, Cancellation);
    }

    [Fact]
    public async Task Settling_with_an_unknown_token_reports_a_lost_lock()
    {
        await using var bus = await CreateAsync(Topology);
        var token = Guid.NewGuid();

        var failure = await Assert.ThrowsAsync<MessageLockLostException>(() => bus.Receiver.RenewLockAsync(token, Cancellation));

        Assert.Equal(token, failure.LockToken);
        Assert.Contains("lost", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_max_deliveries_the_message_is_dead_lettered_while_others_still_flow()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("poison"));
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var received = Assert.Single(await bus.ReceiveAsync("orders", "billing", 1));
            Assert.Equal(("poison", attempt), (received.Message.MessageId, received.DeliveryCount));
            await bus.Receiver.AbandonAsync(received.LockToken, Cancellation);
        }

        await bus.PublishAsync("orders", Message("healthy"));

        Assert.Equal(["healthy"], await bus.ReceiveIdsAsync("orders", "billing"));
        var deadLetter = Assert.Single(await bus.Administration.ListDeadLettersAsync("orders", "billing", cancellationToken: Cancellation));
        Assert.Equal("poison", deadLetter.MessageId);
        Assert.Equal(SqliteTopicReceiver.MaxDeliveryCountExceeded, deadLetter.Reason);
        Assert.Equal(3, deadLetter.DeliveryCount);
        Assert.Equal(bus.Time.GetUtcNow(), deadLetter.DeadLetteredAt);
    }

    [Fact]
    public async Task An_expired_message_is_dead_lettered_with_TTLExpiredException()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("short") with { TimeToLive = TimeSpan.FromSeconds(10) });
        await bus.PublishAsync("orders", Message("long") with { TimeToLive = TimeSpan.FromHours(1) });

        bus.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["long"], await bus.ReceiveIdsAsync("orders", "billing"));
        var deadLetter = Assert.Single(await bus.Administration.ListDeadLettersAsync(cancellationToken: Cancellation));
        Assert.Equal(("short", SqliteTopicReceiver.TtlExpired), (deadLetter.MessageId, deadLetter.Reason));
    }

    [Fact]
    public async Task The_subscription_default_time_to_live_caps_the_message_own()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("1") with { TimeToLive = TimeSpan.FromHours(1) });

        bus.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(await bus.ReceiveIdsAsync("orders", "expiring"));
        Assert.Equal(["1"], await bus.ReceiveIdsAsync("orders", "billing"));
        Assert.Equal(1, (await bus.CountsAsync("orders", "expiring")).DeadLettered);
    }

    [Fact]
    public async Task A_handler_can_dead_letter_explicitly_and_an_operator_can_resubmit()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("bad") with { TimeToLive = TimeSpan.FromMinutes(5) });
        var first = Assert.Single(await bus.ReceiveAsync("orders", "billing"));
        await bus.Receiver.DeadLetterAsync(first.LockToken, "ValidationFailed", "amount is negative", Cancellation);
        Assert.Empty(await bus.ReceiveAsync("orders", "billing"));

        var deadLetter = Assert.Single(await bus.Administration.ListDeadLettersAsync("orders", cancellationToken: Cancellation));
        Assert.Equal(("ValidationFailed", "amount is negative", 1), (deadLetter.Reason, deadLetter.Description, deadLetter.DeliveryCount));
        bus.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(await bus.Administration.ResubmitDeadLetterAsync(deadLetter.Id, Cancellation));
        Assert.False(await bus.Administration.ResubmitDeadLetterAsync(deadLetter.Id, Cancellation));

        var again = Assert.Single(await bus.ReceiveAsync("orders", "billing"));
        Assert.Equal(("bad", 1), (again.Message.MessageId, again.DeliveryCount));
        Assert.Empty(await bus.Administration.ListDeadLettersAsync(cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Counts_show_active_scheduled_and_dead_lettered_per_subscription()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("now"));
        await bus.PublishAsync("orders", Message("later") with { ScheduledEnqueueTime = bus.Time.GetUtcNow().AddHours(1) });
        await bus.PublishAsync("orders", Message("dying") with { TimeToLive = TimeSpan.FromSeconds(1) });
        bus.Time.Advance(TimeSpan.FromSeconds(1));
        var received = Assert.Single(await bus.ReceiveAsync("orders", "billing"));
        Assert.Equal("now", received.Message.MessageId);

        Assert.Equal(new SubscriptionCounts("orders", "billing", 1, 1, 1), await bus.CountsAsync("orders", "billing"));
    }

    [Fact]
    public async Task Messages_survive_reopening_the_database()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("orders", Message("1"));
        await bus.PublishAsync("orders", Message("2"));
        var locked = Assert.Single(await bus.ReceiveAsync("orders", "billing", 1));

        // A restart: every connection closed, the file opened afresh and the topology applied again.
        SqliteConnection.ClearAllPools();
        var reopened = new SqliteDatabase(bus.Database.FilePath);
        await new TopicTopologyInstaller(reopened).EnsureTopologyAsync(Topology, Cancellation);
        var receiver = new SqliteTopicReceiver(reopened, bus.Time);

        bus.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("2", Assert.Single(await receiver.ReceiveAsync("orders", "billing", 10, Cancellation)).Message.MessageId);
        bus.Time.Advance(TimeSpan.FromSeconds(20));
        var redelivered = Assert.Single(await receiver.ReceiveAsync("orders", "billing", 10, Cancellation));
        Assert.Equal(("1", 2), (redelivered.Message.MessageId, redelivered.DeliveryCount));
        Assert.NotEqual(locked.LockToken, redelivered.LockToken);
    }

    [Fact]
    public async Task Receiving_from_an_undeclared_subscription_fails_clearly()
    {
        await using var bus = await CreateAsync(Topology);

        var failure = await Assert.ThrowsAsync<MessagingEntityNotFoundException>(() => bus.ReceiveAsync("orders", "nope"));
        Assert.Equal("orders/nope", failure.EntityPath);
    }
}
