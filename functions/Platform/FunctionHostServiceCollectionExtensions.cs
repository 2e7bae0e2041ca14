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
    /// <remarks><c>Functions:&lt;name&gt;:MaxConcurrency</c> overrides a topic function's concurrency.</remarks>
    public static IServiceCollection AddFunctionHost(this IServiceCollection services, FunctionCatalogue catalogue, TopicTopology topology, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(catalogue);
        services.AddTopicBus(topology);
        foreach (var function in catalogue.OfType<TopicFunction>())
        {
            var concurrency = configuration.GetValue($"Functions:{function.Name}:MaxConcurrency", function.MaxConcurrency);
            services.AddTopicConsumer(function.Topic, function.Subscription, concurrency, scope =>
                (message, deliveryCount, ct) => function.Handler(new TopicDelivery(message, deliveryCount), scope, ct));
        }

        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<RecordStore>();
        services.AddExceptionHandler<ConcurrentUpdateProblem>();
        services.AddSingleton<WorkingDayDeadlines>();
        services.AddSingleton<DeadlineRouter>();
        services.AddHostedService<DurableStartup>();

        services.AddSingleton<TimerScheduler>();
        services.AddHostedService<TimerHost>();
        return services;
    }
}
