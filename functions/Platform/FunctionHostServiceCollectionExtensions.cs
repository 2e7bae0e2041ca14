using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform.Records;
using Integration.Functions.Platform.Timers;

namespace Integration.Functions.Platform;

public static class FunctionHostServiceCollectionExtensions
{
    /// <summary>
    /// Hosts the catalogue's triggers in this process: topic consumers on the embedded bus, timers on
    /// the scheduler, and the durable-record services (outbox, deadlines) the functions build on.
    /// HTTP functions are mapped separately with <c>MapFunctions</c>.
    /// </summary>
    public static IServiceCollection AddFunctionHost(this IServiceCollection services, FunctionCatalogue catalogue, TopicTopology topology)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        services.AddSingleton(catalogue);
        services.AddTopicBus(topology);
        foreach (var function in catalogue.OfType<TopicFunction>())
        {
            services.AddTopicConsumer(function.Topic, function.Subscription, function.MaxConcurrency, scope =>
                (message, deliveryCount, ct) => function.Handler(new TopicDelivery(message, deliveryCount), scope, ct));
        }

        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<RecordStore>();
        services.AddSingleton<WorkingDayDeadlines>();
        services.AddSingleton<DeadlineRouter>();
        services.AddHostedService<DurableStartup>();

        services.AddSingleton<TimerScheduler>();
        services.AddHostedService<TimerHost>();
        return services;
    }
}
