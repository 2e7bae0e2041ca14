using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;

namespace Integration.Tests.Infrastructure.ServiceBus;

/// <summary>
/// Stands in for a namespace's administration endpoint, which cannot run here: keeps topics, subscriptions and rules
/// in memory (as <see cref="ServiceBusModelFactory"/> models) and records every call that changes them.
/// </summary>
internal sealed class InMemoryServiceBusAdministration : ServiceBusAdministrationClient
{
    private readonly Dictionary<string, TopicProperties> topics = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Topic, string Name), SubscriptionProperties> subscriptions = [];
    private readonly Dictionary<(string Topic, string Subscription), List<RuleProperties>> rules = [];

    public List<string> Changes { get; } = [];

    /// <summary>Another instance creates this topic just before this one does.</summary>
    public string? RaceOnTopic { get; set; }

    public IReadOnlyList<RuleProperties> RulesOf(string topic, string subscription) => rules[(topic, subscription)];

    public SubscriptionProperties SubscriptionOf(string topic, string subscription) => subscriptions[(topic, subscription)];

    public override Task<Response<bool>> TopicExistsAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(Response.FromValue(topics.ContainsKey(name), Ok.Instance));

    public override Task<Response<TopicProperties>> GetTopicAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(Response.FromValue(topics[name], Ok.Instance));

    public override AsyncPageable<SubscriptionProperties> GetSubscriptionsAsync(string topicName, CancellationToken cancellationToken = default) =>
        Pages(subscriptions.Where(s => s.Key.Topic == topicName).Select(s => s.Value));

    public override AsyncPageable<RuleProperties> GetRulesAsync(string topicName, string subscriptionName, CancellationToken cancellationToken = default) =>
        Pages(rules[(topicName, subscriptionName)]);

    public override Task<Response<TopicProperties>> CreateTopicAsync(CreateTopicOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.Equals(options.Name, RaceOnTopic, StringComparison.Ordinal))
        {
            RaceOnTopic = null;
            topics[options.Name] = Topic(options);
            throw new ServiceBusException($"Topic {options.Name} already exists.", ServiceBusFailureReason.MessagingEntityAlreadyExists);
        }

        Changes.Add($"create topic {options.Name}");
        topics[options.Name] = Topic(options);
        return Task.FromResult(Response.FromValue(topics[options.Name], Ok.Instance));
    }

    public override Task<Response<SubscriptionProperties>> CreateSubscriptionAsync(
        CreateSubscriptionOptions options, CreateRuleOptions rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rule);
        Changes.Add($"create subscription {options.TopicName}/{options.SubscriptionName} with {rule.Name}");
        var created = ServiceBusModelFactory.SubscriptionProperties(
            options.TopicName, options.SubscriptionName, options.LockDuration, options.RequiresSession, options.DefaultMessageTimeToLive,
            options.AutoDeleteOnIdle, options.DeadLetteringOnMessageExpiration, options.MaxDeliveryCount, options.EnableBatchedOperations,
            options.Status, options.ForwardTo, options.ForwardDeadLetteredMessagesTo, options.UserMetadata ?? "");
        subscriptions[(options.TopicName, options.SubscriptionName)] = created;
        rules[(options.TopicName, options.SubscriptionName)] = [ServiceBusModelFactory.RuleProperties(rule.Name, rule.Filter, rule.Action)];
        return Task.FromResult(Response.FromValue(created, Ok.Instance));
    }

    public override Task<Response<RuleProperties>> CreateRuleAsync(string topicName, string subscriptionName, CreateRuleOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Changes.Add($"create rule {topicName}/{subscriptionName}/{options.Name}");
        var rule = ServiceBusModelFactory.RuleProperties(options.Name, options.Filter, options.Action);
        rules[(topicName, subscriptionName)].Add(rule);
        return Task.FromResult(Response.FromValue(rule, Ok.Instance));
    }

    public override Task<Response<TopicProperties>> UpdateTopicAsync(TopicProperties topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        Changes.Add($"update topic {topic.Name}");
        topics[topic.Name] = topic;
        return Task.FromResult(Response.FromValue(topic, Ok.Instance));
    }

    public override Task<Response<SubscriptionProperties>> UpdateSubscriptionAsync(SubscriptionProperties subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        Changes.Add($"update subscription {subscription.TopicName}/{subscription.SubscriptionName}");
        subscriptions[(subscription.TopicName, subscription.SubscriptionName)] = subscription;
        return Task.FromResult(Response.FromValue(subscription, Ok.Instance));
    }

    public override Task<Response<RuleProperties>> UpdateRuleAsync(string topicName, string subscriptionName, RuleProperties rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Changes.Add($"update rule {topicName}/{subscriptionName}/{rule.Name}");
        var list = rules[(topicName, subscriptionName)];
        list[list.FindIndex(r => r.Name == rule.Name)] = rule;
        return Task.FromResult(Response.FromValue(rule, Ok.Instance));
    }

    public override Task<Response> DeleteRuleAsync(string topicName, string subscriptionName, string ruleName, CancellationToken cancellationToken = default)
    {
        Changes.Add($"delete rule {topicName}/{subscriptionName}/{ruleName}");
        rules[(topicName, subscriptionName)].RemoveAll(r => r.Name == ruleName);
        return Task.FromResult<Response>(Ok.Instance);
    }

    private static TopicProperties Topic(CreateTopicOptions options) =>
        ServiceBusModelFactory.TopicProperties(
            options.Name, options.MaxSizeInMegabytes, options.RequiresDuplicateDetection, options.DefaultMessageTimeToLive, options.AutoDeleteOnIdle,
            options.DuplicateDetectionHistoryTimeWindow, options.EnableBatchedOperations, options.Status, options.EnablePartitioning, 256);

    private static AsyncPageable<T> Pages<T>(IEnumerable<T> values)
        where T : notnull =>
        AsyncPageable<T>.FromPages([Page<T>.FromValues(values.ToArray(), continuationToken: null, Ok.Instance)]);

    /// <summary>The HTTP answer behind every call: 200, no headers, no body.</summary>
    private sealed class Ok : Response
    {
        public static readonly Ok Instance = new();

        public override int Status => 200;

        public override string ReasonPhrase => "OK";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
