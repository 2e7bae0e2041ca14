using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Integration.Functions.Infrastructure.Topics;

namespace Integration.Functions.Infrastructure.ServiceBus;

/// <summary>The topics other systems read on Service Bus: the declared topology without the topics the app consumes itself.</summary>
public sealed record ServiceBusTopology(TopicTopology Topology);

/// <summary>
/// Reads what exists for the declared topics, plans with <see cref="ServiceBusTopologyPlanner"/> and carries the plan
/// out with <see cref="ServiceBusAdministrationClient"/>. Running it again finds nothing to do. Another instance
/// creating the same entity at the same moment is not an error.
/// </summary>
public sealed class ServiceBusTopologyInstaller(ServiceBusAdministrationClient admin, ServiceBusTopology topology, ILogger<ServiceBusTopologyInstaller> logger)
{
    public async Task<TopologyPlan> InstallAsync(CancellationToken cancellationToken = default)
    {
        var existing = await ReadAsync(topology.Topology, cancellationToken);
        var plan = ServiceBusTopologyPlanner.Plan(topology.Topology, existing);
        if (plan.Conflicts.Count > 0)
        {
            throw new InvalidOperationException("The Service Bus namespace cannot be brought to the declared topology: " + string.Join(" ", plan.Conflicts));
        }

        foreach (var operation in plan.Operations)
        {
            logger.LogInformation("Service Bus topology: {Operation}", operation.Describe());
            await ApplyAsync(operation, cancellationToken);
        }

        return plan;
    }

    public async Task<ExistingTopology> ReadAsync(TopicTopology declared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(declared);
        var topics = new List<ExistingTopic>();
        foreach (var topic in declared.Topics)
        {
            if (!(await admin.TopicExistsAsync(topic.Name, cancellationToken)).Value)
            {
                continue;
            }

            var properties = (await admin.GetTopicAsync(topic.Name, cancellationToken)).Value;
            var subscriptions = new List<ExistingSubscription>();
            await foreach (var subscription in admin.GetSubscriptionsAsync(topic.Name, cancellationToken))
            {
                if (!topic.Subscriptions.Any(s => string.Equals(s.Name, subscription.SubscriptionName, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                var rules = new List<RuleProperties>();
                await foreach (var rule in admin.GetRulesAsync(topic.Name, subscription.SubscriptionName, cancellationToken))
                {
                    rules.Add(rule);
                }

                subscriptions.Add(new ExistingSubscription(subscription, rules));
            }

            topics.Add(new ExistingTopic(properties, subscriptions));
        }

        return new ExistingTopology(topics);
    }

    private async Task ApplyAsync(TopologyOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            switch (operation)
            {
                case CreateTopic create:
                    await admin.CreateTopicAsync(create.Options, cancellationToken);
                    break;
                case UpdateTopic update:
                    update.Changes.ToList().ForEach(change => change.Apply(update.Current));
                    await admin.UpdateTopicAsync(update.Current, cancellationToken);
                    break;
                case CreateSubscription create:
                    await admin.CreateSubscriptionAsync(create.Options, create.Rule, cancellationToken);
                    break;
                case UpdateSubscription update:
                    update.Changes.ToList().ForEach(change => change.Apply(update.Current));
                    await admin.UpdateSubscriptionAsync(update.Current, cancellationToken);
                    break;
                case CreateRule create:
                    await admin.CreateRuleAsync(create.Topic, create.Subscription, create.Options, cancellationToken);
                    break;
                case UpdateRule update:
                    update.Current.Filter = update.Filter;
                    update.Current.Action = null;
                    await admin.UpdateRuleAsync(update.Topic, update.Subscription, update.Current, cancellationToken);
                    break;
                case DeleteRule delete:
                    await admin.DeleteRuleAsync(delete.Topic, delete.Subscription, delete.Rule, cancellationToken);
                    break;
                default:
                    throw new NotSupportedException($"Unknown topology operation {operation.GetType().Name}.");
            }
        }
        catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessagingEntityAlreadyExists && operation is CreateTopic or CreateSubscription or CreateRule)
        {
            logger.LogInformation("Service Bus topology: {Operation} was done meanwhile by another instance", operation.Describe());
        }
        catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessagingEntityNotFound && operation is DeleteRule)
        {
            logger.LogInformation("Service Bus topology: {Operation} was done meanwhile by another instance", operation.Describe());
        }
        catch (RequestFailedException e)
        {
            throw new InvalidOperationException($"Service Bus topology: could not {operation.Describe()} ({e.Status} {e.ErrorCode}).", e);
        }
    }
}

/// <summary>Installs the Service Bus topology at start-up when <c>Messaging:ServiceBus:InstallTopology</c> is true.</summary>
internal sealed class ServiceBusTopologyStartup(ServiceBusTopologyInstaller installer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => installer.InstallAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
