using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Integration.Domain.Identity;
using Integration.Functions;
using Integration.Functions.Infrastructure.ServiceBus;
using Integration.Functions.Infrastructure.Topics;
using static Integration.Functions.Infrastructure.ServiceBus.ServiceBusTopologyPlanner;

namespace Integration.Tests.Infrastructure.ServiceBus;

/// <summary>
/// The installer's decisions, as a pure function of the declared topology and what exists. What exists is built with
/// <see cref="ServiceBusModelFactory"/>, as the administration client would return it; no namespace runs here.
/// </summary>
[Trait("lane", "unit")]
public sealed class ServiceBusTopologyPlannerTests
{
    private static readonly PrincipalRegistry Registry = new("威海市",
    [
        new Principal("ndrc", "发展和改革委员会", [PrincipalRole.Department, PrincipalRole.Coordinator]),
        new Principal("housing", "住房和城乡建设局", [PrincipalRole.Department]),
        new Principal("police", "公安局", [PrincipalRole.Department]),
        new Principal("approval-system", "审批系统", [PrincipalRole.System]),
        new Principal("trading-center", "公共资源交易中心", [PrincipalRole.System]),
        new Principal("admin", "运维", [PrincipalRole.Admin]),
    ]);

    private static readonly TopicTopology Declared = AppFunctions.Topology(Registry) with
    {
        Topics = AppFunctions.Topology(Registry).Topics.Where(t => t.Name != "deadlines").ToArray(),
    };

    [Fact]
    public void On_an_empty_namespace_every_topic_subscription_and_rule_is_created_with_the_settings_the_platform_relies_on()
    {
        var plan = Plan(Declared, ExistingTopology.Empty);

        Assert.Empty(plan.Conflicts);
        var topics = plan.Operations.OfType<CreateTopic>().Select(c => c.Options).ToArray();
        Assert.Equal(["approvals", "approval-feedback", "leads", "lead-feedback", "enforcement", "coordination-reports"], topics.Select(t => t.Name));
        Assert.All(topics, topic =>
        {
            Assert.True(topic.RequiresDuplicateDetection);
            Assert.Equal(TimeSpan.FromMinutes(10), topic.DuplicateDetectionHistoryTimeWindow);
            Assert.Equal(TimeSpan.MaxValue, topic.AutoDeleteOnIdle);
        });

        var subscriptions = plan.Operations.OfType<CreateSubscription>().ToArray();
        Assert.Equal(
            ["approvals/housing", "approvals/ndrc", "approvals/police", "approval-feedback/approval-system", "leads/ndrc", "leads/housing", "leads/police",
             "lead-feedback/approval-system", "lead-feedback/trading-center",
             "enforcement/ndrc", "enforcement/housing", "enforcement/police",
             "coordination-reports/housing", "coordination-reports/ndrc", "coordination-reports/police"],
            subscriptions.Select(s => $"{s.Options.TopicName}/{s.Options.SubscriptionName}"));
        Assert.All(subscriptions, s =>
        {
            Assert.Equal(TimeSpan.FromSeconds(60), s.Options.LockDuration);
            Assert.Equal(10, s.Options.MaxDeliveryCount);
            Assert.True(s.Options.DeadLetteringOnMessageExpiration);
            Assert.Equal(TimeSpan.MaxValue, s.Options.AutoDeleteOnIdle);
            Assert.Equal(TimeSpan.MaxValue, s.Options.DefaultMessageTimeToLive);
        });

        // Each department's subscription is created with its correlation rule in place of $Default.
        var housing = subscriptions.Single(s => s.Options.TopicName == "approvals" && s.Options.SubscriptionName == "housing");
        Assert.Equal("department-housing", housing.Rule.Name);
        var filter = Assert.IsType<CorrelationRuleFilter>(housing.Rule.Filter);
        Assert.Equal(new Dictionary<string, object> { ["department"] = "housing" }, filter.ApplicationProperties);
        Assert.Null(filter.Subject);

        // The approval system's feedback subscription is declared match-all: it keeps a $Default true filter.
        var feedback = subscriptions.Single(s => s.Options.TopicName == "approval-feedback");
        Assert.Equal("$Default", feedback.Rule.Name);
        Assert.IsType<TrueRuleFilter>(feedback.Rule.Filter);

        Assert.Empty(plan.Operations.OfType<CreateRule>());
        Assert.Empty(plan.Operations.OfType<DeleteRule>());
    }

    [Fact]
    public void Run_a_second_time_against_what_the_first_run_created_the_plan_is_empty()
    {
        var first = Plan(Declared, ExistingTopology.Empty);

        var second = Plan(Declared, Namespace.After(first));

        Assert.True(second.IsEmpty, string.Join("; ", second.Operations.Select(o => o.Describe()).Concat(second.Conflicts)));
    }

    [Fact]
    public void A_drifted_subscription_gets_one_update_that_restores_each_drifted_setting_and_nothing_else()
    {
        var existing = Namespace.After(Plan(Declared, ExistingTopology.Empty), drift: s =>
            s.TopicName == "approvals" && s.SubscriptionName == "housing"
                ? Namespace.Subscription(s.TopicName, s.SubscriptionName, maxDeliveryCount: 5, autoDeleteOnIdle: TimeSpan.FromDays(14), deadLetteringOnExpiry: false)
                : null);

        var plan = Plan(Declared, existing);

        var update = Assert.IsType<UpdateSubscription>(Assert.Single(plan.Operations));
        Assert.Equal(("approvals", "housing"), (update.Current.TopicName, update.Current.SubscriptionName));
        Assert.Equal(["MaxDeliveryCount", "DeadLetteringOnMessageExpiration", "AutoDeleteOnIdle"], update.Changes.Select(c => c.Setting));
        Assert.Equal(5, update.Current.MaxDeliveryCount);

        foreach (var change in update.Changes)
        {
            change.Apply(update.Current);
        }

        Assert.Equal(10, update.Current.MaxDeliveryCount);
        Assert.True(update.Current.DeadLetteringOnMessageExpiration);
        Assert.Equal(TimeSpan.MaxValue, update.Current.AutoDeleteOnIdle);
        Assert.Equal(TimeSpan.FromSeconds(60), update.Current.LockDuration);
    }

    [Fact]
    public void A_subscription_someone_created_with_the_match_all_default_rule_gets_its_filter_before_the_default_rule_goes()
    {
        var existing = Namespace.After(Plan(Declared, ExistingTopology.Empty), rules: (topic, subscription) =>
            topic == "leads" && subscription == "police" ? [ServiceBusModelFactory.RuleProperties("$Default", new TrueRuleFilter(), null)] : null);

        var plan = Plan(Declared, existing);

        Assert.Equal(["create rule leads/police/department-police", "delete rule leads/police/$Default"], plan.Operations.Select(o => o.Describe()));
    }

    [Fact]
    public void A_rule_whose_filter_was_changed_by_hand_is_updated_in_place()
    {
        var existing = Namespace.After(Plan(Declared, ExistingTopology.Empty), rules: (topic, subscription) =>
            topic == "approvals" && subscription == "ndrc"
                ? [ServiceBusModelFactory.RuleProperties("department-ndrc", Namespace.Correlation(("department", "housing")), null)]
                : null);

        var plan = Plan(Declared, existing);

        var update = Assert.IsType<UpdateRule>(Assert.Single(plan.Operations));
        Assert.Equal("department-ndrc", update.Current.Name);
        Assert.Equal(new Dictionary<string, object> { ["department"] = "ndrc" }, Assert.IsType<CorrelationRuleFilter>(update.Filter).ApplicationProperties);
    }

    [Fact]
    public void A_topic_without_duplicate_detection_is_a_conflict_no_update_can_fix()
    {
        var existing = Namespace.After(Plan(Declared, ExistingTopology.Empty));
        var approvals = existing.Topics.Single(t => t.Properties.Name == "approvals");
        var drifted = existing with
        {
            Topics = existing.Topics.Select(t => t == approvals ? t with { Properties = Namespace.Topic("approvals", duplicateDetection: false) } : t).ToArray(),
        };

        var plan = Plan(Declared, drifted);

        Assert.Contains("'approvals'", Assert.Single(plan.Conflicts), StringComparison.Ordinal);
        Assert.Empty(plan.Operations);
    }

    [Fact]
    public void Subscriptions_and_topics_not_declared_are_left_alone()
    {
        var existing = Namespace.After(Plan(Declared, ExistingTopology.Empty));
        var withExtra = existing with
        {
            Topics = existing.Topics.Select(t => t.Properties.Name == "approvals"
                ? t with { Subscriptions = [.. t.Subscriptions, new ExistingSubscription(Namespace.Subscription("approvals", "audit-archive"), [])] }
                : t).ToArray(),
        };

        Assert.True(Plan(Declared, withExtra).IsEmpty);
    }

    [Theory]
    [InlineData("department", "natural-resources", "department-natural-resources")]
    [InlineData("department", "环保", "filter-1")]
    [InlineData("department", "a-department-id-long-enough-to-pass-fifty-characters", "filter-1")]
    public void Rule_names_say_what_they_match_when_Service_Bus_accepts_the_name(string property, string value, string expected) =>
        Assert.Equal(expected, RuleName(CorrelationFilter.Property(property, value), 0));

    /// <summary>A namespace as the administration client reports it after a plan ran, optionally drifted.</summary>
    private static class Namespace
    {
        public static ExistingTopology After(
            TopologyPlan plan,
            Func<SubscriptionProperties, SubscriptionProperties?>? drift = null,
            Func<string, string, IReadOnlyList<RuleProperties>?>? rules = null)
        {
            var topics = new List<ExistingTopic>();
            foreach (var topic in plan.Operations.OfType<CreateTopic>())
            {
                var subscriptions = plan.Operations.OfType<CreateSubscription>()
                    .Where(s => s.Options.TopicName == topic.Options.Name)
                    .Select(s =>
                    {
                        var created = Subscription(s.Options.TopicName, s.Options.SubscriptionName);
                        var createdRules = new[] { s.Rule }
                            .Concat(plan.Operations.OfType<CreateRule>().Where(r => r.Topic == s.Options.TopicName && r.Subscription == s.Options.SubscriptionName).Select(r => r.Options))
                            .Select(r => ServiceBusModelFactory.RuleProperties(r.Name, Copy(r.Filter), null))
                            .ToArray();
                        return new ExistingSubscription(drift?.Invoke(created) ?? created, rules?.Invoke(s.Options.TopicName, s.Options.SubscriptionName) ?? createdRules);
                    })
                    .ToArray();
                topics.Add(new ExistingTopic(Topic(topic.Options.Name), subscriptions));
            }

            return new ExistingTopology(topics);
        }

        public static TopicProperties Topic(string name, bool duplicateDetection = true) =>
            ServiceBusModelFactory.TopicProperties(
                name, maxSizeInMegabytes: 1024, requiresDuplicateDetection: duplicateDetection, defaultMessageTimeToLive: TimeSpan.MaxValue,
                autoDeleteOnIdle: TimeSpan.MaxValue, duplicateDetectionHistoryTimeWindow: TimeSpan.FromMinutes(10), enableBatchedOperations: true,
                status: EntityStatus.Active, enablePartitioning: false, maxMessageSizeInKilobytes: 256);

        public static SubscriptionProperties Subscription(
            string topic, string name, int maxDeliveryCount = 10, TimeSpan? autoDeleteOnIdle = null, bool deadLetteringOnExpiry = true) =>
            ServiceBusModelFactory.SubscriptionProperties(
                topic, name, lockDuration: TimeSpan.FromSeconds(60), requiresSession: false, defaultMessageTimeToLive: TimeSpan.MaxValue,
                autoDeleteOnIdle: autoDeleteOnIdle ?? TimeSpan.MaxValue, deadLetteringOnMessageExpiration: deadLetteringOnExpiry, maxDeliveryCount: maxDeliveryCount,
                enableBatchedOperations: true, status: EntityStatus.Active, forwardTo: null, forwardDeadLetteredMessagesTo: null, userMetadata: "");

        public static CorrelationRuleFilter Correlation(params (string Name, string Value)[] properties)
        {
            var filter = new CorrelationRuleFilter();
            foreach (var (name, value) in properties)
            {
                filter.ApplicationProperties[name] = value;
            }

            return filter;
        }

        /// <summary>A fresh filter object, as the service returns its own rather than the one sent.</summary>
        private static RuleFilter Copy(RuleFilter filter) => filter switch
        {
            CorrelationRuleFilter correlation => Correlation(correlation.ApplicationProperties.Select(p => (p.Key, (string)p.Value)).ToArray()),
            TrueRuleFilter => new TrueRuleFilter(),
            _ => throw new NotSupportedException(filter.GetType().Name),
        };
    }
}
