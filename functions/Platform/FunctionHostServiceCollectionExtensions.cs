using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform.Records;
using Integration.Functions.Platform.Timers;

namespace Integration.Functions.Platform;

public static class FunctionHostServiceCollectionExtensions
{
    /// <summary>
    /// Hosts the catalogue's triggers in this process: timers on the scheduler, the embedded bus the
    /// app publishes to, and the durable-record services (outbox, deadlines) the functions build on.
    /// HTTP functions are mapped separately with <c>MapFunctions</c>.
    /// </summary>
    public static IServiceCollection AddFunctionHost(this IServiceCollection services, FunctionCatalogue catalogue, TopicTopology topology, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(catalogue);
        services.AddTopicBus(topology);

        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<RecordStore>();
        services.AddSingleton<WorkingDayDeadlines>();
        services.AddSingleton<DeadlineRouter>();
        services.AddSingleton<DeadlineSweep>();
        services.AddSingleton<DeadlineIndexBackfill>();
        services.AddSingleton<StuckDeadlines>();
        services.AddHostedService<DurableStartup>();

        services.AddSingleton<TimerScheduler>();
        services.AddHostedService<TimerHost>();
        return services;
    }
}
