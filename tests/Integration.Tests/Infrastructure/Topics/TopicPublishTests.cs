using Integration.Functions.Infrastructure.Topics;
using Microsoft.Extensions.Configuration;
using Xunit;
using static Integration.Tests.Infrastructure.Topics.TestBus;

namespace Integration.Tests.Infrastructure.Topics;

[Trait("lane", "integration")]
public sealed class TopicPublishTests
{
    private static readonly TopicTopology Topology = new()
    {
        Topics =
        [
            new TopicDefinition
            {
                Name = "cases",
                Subscriptions =
                [
                    new SubscriptionDefinition { Name = "housing", Filters = [CorrelationFilter.Property("department", "housing")] },
                    new SubscriptionDefinition
                    {
                        Name = "urgent-tax",
                        Filters =
                        [
                            new CorrelationFilter { Properties = new Dictionary<string, string> { ["department"] = "tax", ["priority"] = "urgent" } },
                        ],
                    },
                    new SubscriptionDefinition { Name = "audit" },
                ],
            },
            new TopicDefinition
            {
                Name = "filtered-only",
                Subscriptions = [new SubscriptionDefinition { Name = "housing", Filters = [CorrelationFilter.Property("department", "housing")] }],
            },
        ],
    };

    [Fact]
    public async Task Correlation_filters_route_by_application_property()
    {
        await using var bus = await CreateAsync(Topology);

        await bus.PublishAsync("cases", Message("h1", ("department", "housing")));
        await bus.PublishAsync("cases", Message("t1", ("department", "tax"), ("priority", "urgent")));
        await bus.PublishAsync("cases", Message("t2", ("department", "tax"), ("priority", "low")));

        Assert.Equal(["h1"], await bus.ReceiveIdsAsync("cases", "housing"));
        Assert.Equal(["t1"], await bus.ReceiveIdsAsync("cases", "urgent-tax"));
    }

    [Fact]
    public async Task A_subscription_without_filters_receives_everything()
    {
        await using var bus = await CreateAsync(Topology);

        await bus.PublishAsync("cases", Message("h1", ("department", "housing")));
        await bus.PublishAsync("cases", Message("plain"));

        Assert.Equal(["h1", "plain"], await bus.ReceiveIdsAsync("cases", "audit"));
    }

    [Fact]
    public async Task A_message_no_subscription_accepts_is_dropped()
    {
        await using var bus = await CreateAsync(Topology);

        await bus.PublishAsync("filtered-only", Message("x", ("department", "tax")));

        Assert.Equal(0, (await bus.CountsAsync("filtered-only", "housing")).Active);
    }

    [Fact]
    public async Task The_same_message_id_within_the_window_is_stored_once_and_after_it_again()
    {
        await using var bus = await CreateAsync(Topology);

        await bus.PublishAsync("cases", Message("m1"));
        bus.Time.Advance(TimeSpan.FromMinutes(9));
        await bus.PublishAsync("cases", Message("m1"));
        Assert.Equal(1, (await bus.CountsAsync("cases", "audit")).Active);

        bus.Time.Advance(TimeSpan.FromMinutes(1));
        await bus.PublishAsync("cases", Message("m1"));
        Assert.Equal(2, (await bus.CountsAsync("cases", "audit")).Active);
    }

    [Fact]
    public async Task A_batch_is_deduplicated_within_itself_and_fanned_out()
    {
        await using var bus = await CreateAsync(Topology);

        await bus.Publisher.PublishBatchAsync(
            "cases", [Message("a", ("department", "housing")), Message("b"), Message("a", ("department", "housing"))], Cancellation);

        Assert.Equal(["a", "b"], await bus.ReceiveIdsAsync("cases", "audit"));
        Assert.Equal(["a"], await bus.ReceiveIdsAsync("cases", "housing"));
    }

    [Fact]
    public async Task A_scheduled_message_is_invisible_until_its_time()
    {
        await using var bus = await CreateAsync(Topology);
        var at = bus.Time.GetUtcNow().AddMinutes(5);

        await bus.PublishAsync("cases", Message("later") with { ScheduledEnqueueTime = at });

        Assert.Empty(await bus.ReceiveIdsAsync("cases", "audit"));
        Assert.Equal(1, (await bus.CountsAsync("cases", "audit")).Scheduled);
        bus.Time.SetUtcNow(at);
        Assert.Equal(["later"], await bus.ReceiveIdsAsync("cases", "audit"));
    }

    [Fact]
    public async Task Publishing_to_an_undeclared_topic_fails_clearly()
    {
        await using var bus = await CreateAsync(Topology);

        var failure = await Assert.ThrowsAsync<MessagingEntityNotFoundException>(() => bus.PublishAsync("nope", Message("x")));
        Assert.Equal("nope", failure.EntityPath);
    }

    [Fact]
    public async Task Applying_the_topology_again_is_harmless_and_updates_settings()
    {
        await using var bus = await CreateAsync(Topology);
        await bus.PublishAsync("cases", Message("kept"));
        var changed = Topology with
        {
            Topics = [Topology.Topics[0] with { Subscriptions = [new SubscriptionDefinition { Name = "audit", LockDuration = TimeSpan.FromSeconds(5) }] }],
        };

        var installer = new TopicTopologyInstaller(bus.Database);
        await installer.EnsureTopologyAsync(Topology, Cancellation);
        await installer.EnsureTopologyAsync(changed, Cancellation);

        var received = Assert.Single(await bus.ReceiveAsync("cases", "audit"));
        Assert.Equal(bus.Time.GetUtcNow().AddSeconds(5), received.LockedUntil);
    }

    [Fact]
    public void The_topology_binds_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Topics:0:Name"] = "cases",
                ["Topics:0:DuplicateDetectionWindow"] = "00:05:00",
                ["Topics:0:Subscriptions:0:Name"] = "housing",
                ["Topics:0:Subscriptions:0:MaxDeliveryCount"] = "3",
                ["Topics:0:Subscriptions:0:Filters:0:Properties:department"] = "housing",
            })
            .Build();

        var topology = configuration.Get<TopicTopology>();

        var topic = Assert.Single(topology!.Topics);
        Assert.Equal(TimeSpan.FromMinutes(5), topic.DuplicateDetectionWindow);
        var subscription = Assert.Single(topic.Subscriptions);
        Assert.Equal(3, subscription.MaxDeliveryCount);
        Assert.Equal("housing", Assert.Single(subscription.Filters).Properties["department"]);
    }
}
