using Integration.Domain.Approvals;
using Integration.Functions.Approvals.Pull;
using Integration.Functions.Approvals.Sample;
using Integration.Functions.Platform.Records;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Approvals;

public static class ApprovalServiceCollectionExtensions
{
    /// <summary>The approval flow: push and pull, routing, claims and their deadlines, the listing index and the project lookup for the lead relay.</summary>
    public static IServiceCollection AddApprovals(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ApprovalOptions>()
            .Bind(configuration.GetSection(ApprovalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ApprovalSystemConnectorOptions>()
            .Bind(configuration.GetSection(ApprovalSystemConnectorOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApprovalSystemConnectorOptions>, ApprovalSystemConnectorOptionsValidation>();

        services.AddSingleton<ApprovalIndex>();
        services.AddSingleton<IProjectSupervision>(provider => provider.GetRequiredService<ApprovalIndex>());
        services.AddSingleton<IRecordProjection>(provider => provider.GetRequiredService<ApprovalIndex>());
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<ApprovalDeadlines>();
        services.AddSingleton<IDeadlineHandler>(provider => provider.GetRequiredService<ApprovalDeadlines>());

        // The pipeline owns the timeouts; HttpClient's own would cut across its retries.
        services.AddHttpClient(ApprovalFeedClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(ApprovalFeedPipeline.Name, ApprovalFeedPipeline.Configure);
        services.AddSingleton<ApprovalFeedClient>();
        services.AddSingleton<ApprovalQuarantine>();
        services.AddSingleton<PullCheckpoints>();
        services.AddSingleton<ApprovalPull>();
        services.AddHostedService<ApprovalPullOnStartup>();
        services.AddTransient<IStartupFilter, SampleFeedStartupFilter>();
        return services;
    }
}

/// <summary>Pulls once as soon as the app serves, when <c>RunOnStartup</c> is set (the Development default).</summary>
public sealed class ApprovalPullOnStartup(IHostApplicationLifetime lifetime, ApprovalPull pull, IOptions<ApprovalSystemConnectorOptions> options, ILogger<ApprovalPullOnStartup> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RunOnStartup && !string.IsNullOrWhiteSpace(options.Value.BaseUrl))
        {
            // After start, so that a feed served by this app itself is listening.
            lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
            {
                try
                {
                    await pull.RunAsync(lifetime.ApplicationStopping);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "The start-up approval pull failed; the timer tries again");
                }
            }));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Serves the sample approval feed in Development only; it is a stand-in for an outside system, not a function of the app.</summary>
public sealed class SampleFeedStartupFilter(IHostEnvironment environment) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (environment.IsDevelopment())
        {
            app.Map(SampleApprovalFeed.Path, feed => feed.Run(SampleApprovalFeed.HandleAsync));
        }

        next(app);
    };
}
