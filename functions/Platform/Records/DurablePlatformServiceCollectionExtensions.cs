using Integration.Functions.Infrastructure.Topics;

namespace Integration.Functions.Platform.Records;

public static class DurablePlatformServiceCollectionExtensions
{
    /// <summary>
    /// What the functions build on in both hosts: the embedded topic bus with the app's topology and the
    /// durable-record services (record store, outbox, working-day deadlines and their due-index sweep,
    /// start-up recovery).
    /// </summary>
    public static IServiceCollection AddDurablePlatform(this IServiceCollection services, TopicTopology topology, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddTopicBus(topology);
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<RecordStore>();
        services.AddExceptionHandler<ConcurrentUpdateProblem>();
        services.AddSingleton<WorkingDayDeadlines>();
        services.AddSingleton<DeadlineRouter>();
        services.AddSingleton<DeadlineSweep>();
        services.AddSingleton<DeadlineIndexBackfill>();
        services.AddSingleton<StuckDeadlines>();
        services.AddHostedService<DurableStartup>();
        return services;
    }
}
