using Integration.Functions.Infrastructure.Topics;

namespace Integration.Functions.Platform.Records;

public static class DurablePlatformServiceCollectionExtensions
{
    /// <summary>
    /// What the functions build on in both hosts: the embedded topic bus with the app's topology, the
    /// durable-record services (record store, outbox, working-day deadlines, start-up recovery) and the
    /// deadline wake-ups.
    /// </summary>
    public static IServiceCollection AddDurablePlatform(this IServiceCollection services, TopicTopology topology, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddTopicBus(topology);
        services.AddDeadlineWakeUps(configuration);
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<RecordStore>();
        services.AddSingleton<WorkingDayDeadlines>();
        services.AddSingleton<DeadlineRouter>();
        services.AddHostedService<DurableStartup>();
        return services;
    }
}
