using Azure.Messaging.ServiceBus.Administration;
using Integration.Functions.Infrastructure.Topics;

namespace Integration.Functions.Infrastructure.ServiceBus;

/// <summary>
/// Decides, as a pure function of the declared topology and what exists, which topics, subscriptions and rules to
/// create or update. Every declared entity gets the settings the platform relies on: duplicate detection (MessageId =
/// outbox id), the declared lock and max delivery count, dead-lettering on expiry, and <c>AutoDeleteOnIdle</c> set
/// explicitly to unlimited (a template default once deleted idle subscriptions, and their messages with them).
/// A subscription with filters gets one correlation rule per filter and no <c>$Default</c> rule (which would match
/// every message); a subscription without filters keeps the match-all <c>$Default</c>.
/// Topics and subscriptions that are not declared are left alone: deleting one would drop what it still holds.
/// </summary>
public static class ServiceBusTopologyPlanner
{
    public const string DefaultRuleName = "$Default";
    public static readonly TimeSpan Unlimited = TimeSpan.MaxValue;

    public static TopologyPlan Plan(TopicTopology desired, ExistingTopology existing)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(existing);
        var operations = new List<TopologyOperation>();
        var conflicts = new List<string>();
        foreach (var topic in desired.Topics)
        {
            var current = existing.Topics.FirstOrDefault(t => string.Equals(t.Properties.Name, topic.Name, StringComparison.OrdinalIgnoreCase));
            if (current is null)
            {
                operations.Add(new CreateTopic(TopicOptions(topic)));
            }
            else
            {
                PlanTopicSettings(topic, current.Properties, operations, conflicts);
            }

            foreach (var subscription in topic.Subscriptions)
            {
                var currentSubscription = current?.Subscriptions.FirstOrDefault(s =>
                    string.Equals(s.Properties.SubscriptionName, subscription.Name, StringComparison.OrdinalIgnoreCase));
                PlanSubscription(topic.Name, subscription, currentSubscription, operations, conflicts);
            }
        }

        return new TopologyPlan(operations, conflicts);
    }

    public static CreateTopicOptions TopicOptions(TopicDefinition topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return new CreateTopicOptions(topic.Name)
        {
            RequiresDuplicateDetection = true,
            DuplicateDetectionHistoryTimeWindow = topic.DuplicateDetectionWindow,
            AutoDeleteOnIdle = Unlimited,
        };
    }

    public static CreateSubscriptionOptions SubscriptionOptions(string topic, SubscriptionDefinition subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return new CreateSubscriptionOptions(topic, subscription.Name)
        {
            LockDuration = subscription.LockDuration,
            MaxDeliveryCount = subscription.MaxDeliveryCount,
            DefaultMessageTimeToLive = subscription.DefaultTimeToLive ?? Unlimited,
            DeadLetteringOnMessageExpiration = true,
            AutoDeleteOnIdle = Unlimited,
        };
    }

    /// <summary>The rules a subscription should have, by name.</summary>
    public static IReadOnlyList<CreateRuleOptions> Rules(SubscriptionDefinition subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (subscription.Filters.Count == 0)
        {
            return [new CreateRuleOptions(DefaultRuleName, new TrueRuleFilter())];
        }

        var rules = new List<CreateRuleOptions>();
        for (var i = 0; i < subscription.Filters.Count; i++)
        {
            var name = RuleName(subscription.Filters[i], i);
            if (rules.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                name = $"filter-{i + 1}";
            }

            rules.Add(new CreateRuleOptions(name, ToRuleFilter(subscription.Filters[i])));
        }

        return rules;
    }

    /// <summary>A name that says what the rule matches (<c>department-housing</c>) when it fits Service Bus's rule names.</summary>
    public static string RuleName(CorrelationFilter filter, int index)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parts = filter.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}-{p.Value}").ToList();
        if (filter.Subject is not null)
        {
            parts.Add($"subject-{filter.Subject}");
        }

        if (filter.CorrelationId is not null)
        {
            parts.Add($"correlation-{filter.CorrelationId}");
        }

        var name = string.Join('_', parts);
        var fits = name.Length is > 0 and <= 50 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
        return fits ? name : $"filter-{index + 1}";
    }

    public static CorrelationRuleFilter ToRuleFilter(CorrelationFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var rule = new CorrelationRuleFilter { Subject = filter.Subject, CorrelationId = filter.CorrelationId };
        foreach (var (name, value) in filter.Properties)
        {
            rule.ApplicationProperties[name] = value;
        }

        return rule;
    }

    private static void PlanTopicSettings(TopicDefinition topic, TopicProperties current, List<TopologyOperation> operations, List<string> conflicts)
    {
        if (!current.RequiresDuplicateDetection)
        {
            conflicts.Add($"Topic '{topic.Name}' exists without duplicate detection, which Service Bus only sets when a topic is created: " +
                "delete and recreate it (after draining its subscriptions) so that a republished outbox message is stored once.");
        }

        var changes = new List<SettingChange<TopicProperties>>();
        if (current.RequiresDuplicateDetection && current.DuplicateDetectionHistoryTimeWindow != topic.DuplicateDetectionWindow)
        {
            changes.Add(new(nameof(TopicProperties.DuplicateDetectionHistoryTimeWindow), current.DuplicateDetectionHistoryTimeWindow, topic.DuplicateDetectionWindow,
                t => t.DuplicateDetectionHistoryTimeWindow = topic.DuplicateDetectionWindow));
        }

        if (current.AutoDeleteOnIdle != Unlimited)
        {
            changes.Add(new(nameof(TopicProperties.AutoDeleteOnIdle), current.AutoDeleteOnIdle, Unlimited, t => t.AutoDeleteOnIdle = Unlimited));
        }

        if (changes.Count > 0)
        {
            operations.Add(new UpdateTopic(current, changes));
        }
    }

    private static void PlanSubscription(
        string topic, SubscriptionDefinition subscription, ExistingSubscription? current, List<TopologyOperation> operations, List<string> conflicts)
    {
        var rules = Rules(subscription);
        if (current is null)
        {
            operations.Add(new CreateSubscription(SubscriptionOptions(topic, subscription), rules[0]));
            operations.AddRange(rules.Skip(1).Select(rule => new CreateRule(topic, subscription.Name, rule)));
            return;
        }

        var properties = current.Properties;
        if (properties.RequiresSession)
        {
            conflicts.Add($"Subscription '{topic}/{subscription.Name}' requires sessions, which the platform's messages do not carry: recreate it without sessions.");
        }

        var wanted = SubscriptionOptions(topic, subscription);
        var changes = new List<SettingChange<SubscriptionProperties>>();
        if (properties.LockDuration != wanted.LockDuration)
        {
            changes.Add(new(nameof(SubscriptionProperties.LockDuration), properties.LockDuration, wanted.LockDuration, s => s.LockDuration = wanted.LockDuration));
        }

        if (properties.MaxDeliveryCount != wanted.MaxDeliveryCount)
        {
            changes.Add(new(nameof(SubscriptionProperties.MaxDeliveryCount), properties.MaxDeliveryCount, wanted.MaxDeliveryCount, s => s.MaxDeliveryCount = wanted.MaxDeliveryCount));
        }

        if (properties.DefaultMessageTimeToLive != wanted.DefaultMessageTimeToLive)
        {
            changes.Add(new(nameof(SubscriptionProperties.DefaultMessageTimeToLive), properties.DefaultMessageTimeToLive, wanted.DefaultMessageTimeToLive,
                s => s.DefaultMessageTimeToLive = wanted.DefaultMessageTimeToLive));
        }

        if (!properties.DeadLetteringOnMessageExpiration)
        {
            changes.Add(new(nameof(SubscriptionProperties.DeadLetteringOnMessageExpiration), false, true, s => s.DeadLetteringOnMessageExpiration = true));
        }

        if (properties.AutoDeleteOnIdle != Unlimited)
        {
            changes.Add(new(nameof(SubscriptionProperties.AutoDeleteOnIdle), properties.AutoDeleteOnIdle, Unlimited, s => s.AutoDeleteOnIdle = Unlimited));
        }

        if (changes.Count > 0)
        {
            operations.Add(new UpdateSubscription(properties, changes));
        }

        PlanRules(topic, subscription.Name, rules, current.Rules, operations);
    }

    /// <summary>Creates and updates before deletes: a moment of receiving too much is better than a moment of receiving nothing.</summary>
    private static void PlanRules(
        string topic, string subscription, IReadOnlyList<CreateRuleOptions> wanted, IReadOnlyList<RuleProperties> existing, List<TopologyOperation> operations)
    {
        foreach (var rule in wanted)
        {
            var current = existing.FirstOrDefault(r => string.Equals(r.Name, rule.Name, StringComparison.OrdinalIgnoreCase));
            if (current is null)
            {
                operations.Add(new CreateRule(topic, subscription, rule));
            }
            else if (!SameFilter(current.Filter, rule.Filter) || current.Action is not null)
            {
                operations.Add(new UpdateRule(topic, subscription, current, rule.Filter));
            }
        }

        operations.AddRange(existing
            .Where(r => !wanted.Any(w => string.Equals(w.Name, r.Name, StringComparison.OrdinalIgnoreCase)))
            .Select(r => new DeleteRule(topic, subscription, r.Name)));
    }

    private static bool SameFilter(RuleFilter? current, RuleFilter wanted) => (current, wanted) switch
    {
        (TrueRuleFilter, TrueRuleFilter) => true,
        (CorrelationRuleFilter have, CorrelationRuleFilter want) =>
            have.Subject == want.Subject && have.CorrelationId == want.CorrelationId && have.MessageId is null && have.To is null
            && have.ReplyTo is null && have.ContentType is null && have.SessionId is null && have.ReplyToSessionId is null
            && have.ApplicationProperties.Count == want.ApplicationProperties.Count
            && want.ApplicationProperties.All(p => have.ApplicationProperties.TryGetValue(p.Key, out var value) && Equals(value?.ToString(), p.Value?.ToString())),
        _ => false,
    };
}
