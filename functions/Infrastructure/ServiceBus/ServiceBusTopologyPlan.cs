using Azure.Messaging.ServiceBus.Administration;

namespace Integration.Functions.Infrastructure.ServiceBus;

/// <summary>What exists on the namespace for the declared topics (missing topics are simply absent).</summary>
public sealed record ExistingTopology(IReadOnlyList<ExistingTopic> Topics)
{
    public static ExistingTopology Empty { get; } = new([]);
}

public sealed record ExistingTopic(TopicProperties Properties, IReadOnlyList<ExistingSubscription> Subscriptions);

public sealed record ExistingSubscription(SubscriptionProperties Properties, IReadOnlyList<RuleProperties> Rules);

/// <summary>One setting that differs from the declared value, and how to set it on the fetched entity.</summary>
public sealed record SettingChange<TEntity>(string Setting, object? From, object? To, Action<TEntity> Apply);

/// <summary>A step of a <see cref="TopologyPlan"/>, in the order it must run.</summary>
public abstract record TopologyOperation
{
    /// <summary>For logs: what the step does to which entity.</summary>
    public abstract string Describe();
}

public sealed record CreateTopic(CreateTopicOptions Options) : TopologyOperation
{
    public override string Describe() => $"create topic {Options.Name}";
}

public sealed record UpdateTopic(TopicProperties Current, IReadOnlyList<SettingChange<TopicProperties>> Changes) : TopologyOperation
{
    public override string Describe() => $"update topic {Current.Name}: {string.Join(", ", Changes.Select(c => $"{c.Setting} {c.From} -> {c.To}"))}";
}

/// <summary>Creates the subscription with its first rule in one call, so it never holds a match-all <c>$Default</c> rule meanwhile.</summary>
public sealed record CreateSubscription(CreateSubscriptionOptions Options, CreateRuleOptions Rule) : TopologyOperation
{
    public override string Describe() => $"create subscription {Options.TopicName}/{Options.SubscriptionName} with rule {Rule.Name}";
}

public sealed record UpdateSubscription(SubscriptionProperties Current, IReadOnlyList<SettingChange<SubscriptionProperties>> Changes) : TopologyOperation
{
    public override string Describe() =>
        $"update subscription {Current.TopicName}/{Current.SubscriptionName}: {string.Join(", ", Changes.Select(c => $"{c.Setting} {c.From} -> {c.To}"))}";
}

public sealed record CreateRule(string Topic, string Subscription, CreateRuleOptions Options) : TopologyOperation
{
    public override string Describe() => $"create rule {Topic}/{Subscription}/{Options.Name}";
}

/// <summary>Replaces a rule's filter in place (and drops any action), so the subscription never goes without it.</summary>
public sealed record UpdateRule(string Topic, string Subscription, RuleProperties Current, RuleFilter Filter) : TopologyOperation
{
    public override string Describe() => $"update rule {Topic}/{Subscription}/{Current.Name}";
}

public sealed record DeleteRule(string Topic, string Subscription, string Rule) : TopologyOperation
{
    public override string Describe() => $"delete rule {Topic}/{Subscription}/{Rule}";
}

/// <summary>
/// The steps that turn what exists into what is declared, and what no step can fix (a setting Service Bus only takes
/// when an entity is created). An empty plan means the namespace already matches.
/// </summary>
public sealed record TopologyPlan(IReadOnlyList<TopologyOperation> Operations, IReadOnlyList<string> Conflicts)
{
    public bool IsEmpty => Operations.Count == 0 && Conflicts.Count == 0;
}
