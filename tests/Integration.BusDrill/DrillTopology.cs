using Integration.Functions.Infrastructure.Topics;

namespace Integration.BusDrill;

/// <summary>One topic, three subscriptions that each accept every drill message through a different kind of rule.</summary>
internal static class DrillTopology
{
    public const string Topic = "drill";

    public static readonly string[] Subscriptions = ["all", "by-kind", "by-source"];

    // A short lock so that messages locked by a killed consumer come back within seconds, not a minute.
    private static readonly TimeSpan LockDuration = TimeSpan.FromSeconds(5);

    public static readonly TopicTopology Topology = new()
    {
        Topics =
        [
            new TopicDefinition
            {
                Name = Topic,
                Subscriptions =
                [
                    new SubscriptionDefinition { Name = "all", LockDuration = LockDuration },
                    new SubscriptionDefinition { Name = "by-kind", LockDuration = LockDuration, Filters = [CorrelationFilter.Property("kind", "drill")] },
                    new SubscriptionDefinition { Name = "by-source", LockDuration = LockDuration, Filters = [CorrelationFilter.Property("source", "drill-publisher")] },
                ],
            },
        ],
    };
}
