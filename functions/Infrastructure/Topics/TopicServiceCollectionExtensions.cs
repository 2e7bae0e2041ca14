using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Infrastructure.Topics;

public static class TopicServiceCollectionExtensions
{
    /// <summary>
    /// Registers the embedded bus on the shared database, applies <paramref name="topology"/> at start-up and
    /// runs the consumers added with <c>AddTopicConsumer</c>. The database and clock are only added when the
    /// application has not registered its own.
    /// </summary>
    public static IServiceCollection AddTopicBus(this IServiceCollection services, TopicTopology topology, Action<TopicBusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var options = services.AddOptions<TopicBusOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => SqliteDatabase.FromOptions(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton(topology);
        services.TryAddSingleton<TopicTopologyInstaller>();
        services.TryAddSingleton<SqliteTopicBus>();
        services.TryAddSingleton<ITopicPublisher>(provider => provider.GetRequiredService<SqliteTopicBus>());
        services.TryAddSingleton<SqliteTopicReceiver>();
        services.TryAddSingleton<TopicAdministration>();

        // Registration order is start order: the topology exists before the first poll.
        services.AddHostedService<TopicTopologyStartup>();
        services.AddHostedService<TopicConsumerHost>();
        return services;
    }

    /// <summary>Registers a topic-triggered function given as a delegate.</summary>
    public static IServiceCollection AddTopicConsumer(
        this IServiceCollection services, string topic, string subscription, TopicMessageHandler handler, int maxConcurrency = 16)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return services.AddTopicConsumer(topic, subscription, maxConcurrency, _ => handler);
    }

    /// <summary>Registers a topic-triggered function whose handler is built from the message's DI scope.</summary>
    public static IServiceCollection AddTopicConsumer(
        this IServiceCollection services, string topic, string subscription, int maxConcurrency, Func<IServiceProvider, TopicMessageHandler> resolveHandler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(subscription);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return services.AddSingleton(new TopicConsumerRegistration(topic, subscription, maxConcurrency, resolveHandler));
    }
}
