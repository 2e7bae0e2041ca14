using Integration.Functions.Platform.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>Thrown when an orchestration is asked of a process whose engine is off (<c>Durable:Engine=Off</c>).</summary>
public sealed class DurableEngineOffException()
    : InvalidOperationException("The Durable Task engine is off on this instance (Durable:Engine=Off).");

/// <summary>
/// The functions' way to the task hub: the client when this process has one, a clear refusal when it does not
/// (<c>Durable:Engine=Off</c>, or under the Functions host, where the client comes only through a <c>[DurableClient]</c> binding).
/// </summary>
public sealed class Orchestrations(IOptions<DurableOptions> options, IServiceProvider services)
{
    public bool Enabled => options.Value.Engine != DurableEngineMode.Off && services.GetService<DurableTaskClient>() is not null;

    public string TaskHub => options.Value.TaskHub;

    public DurableOptions Options => options.Value;

    public DurableTaskClient Client => Enabled
        ? services.GetRequiredService<DurableTaskClient>()
        : throw new DurableEngineOffException();
}

public static class DurableServiceCollectionExtensions
{
    /// <summary>
    /// The Durable Task engine of this process (see <see cref="DurableEngine"/>), a worker running the index's
    /// orchestrators and activities under their function names, and a client, both connected to the sidecar over one
    /// loopback channel (the sidecar picks its port as it starts).
    /// </summary>
    public static IServiceCollection AddLocalDurableTask(this IServiceCollection services, FunctionIndex index, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddDurableOperations(configuration);
        var options = configuration.GetSection(DurableOptions.Section).Get<DurableOptions>() ?? new DurableOptions();
        if (options.Engine == DurableEngineMode.Off)
        {
            return services;
        }

        var endpoint = new SidecarEndpoint(options.SidecarPort);
        services.AddSingleton(endpoint);
        services.AddSingleton<DurableEngine>();
        services.AddHostedService(provider => provider.GetRequiredService<DurableEngine>());
        services.AddDurableTaskWorker(worker =>
        {
            worker.AddTasks(index.AddTasksTo);
            worker.UseGrpc(grpc => grpc.CallInvoker = endpoint.CallInvoker);
        });
        services.AddDurableTaskClient(client => client.UseGrpc(grpc => grpc.CallInvoker = endpoint.CallInvoker));
        return services;
    }

    /// <summary>
    /// Under the Functions host the Durable extension runs the task hub and the <c>[OrchestrationTrigger]</c> and
    /// <c>[ActivityTrigger]</c> wrappers itself; the app registers no engine, worker or client, only the options,
    /// the admin service and the task hub's health. The admin functions, the health function and the purge timer take
    /// the extension's client through their <c>[DurableClient]</c> parameter.
    /// </summary>
    public static IServiceCollection AddDurableOnFunctionsHost(this IServiceCollection services, IConfiguration configuration) =>
        services.AddDurableOperations(configuration);

    private static IServiceCollection AddDurableOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DurableOptions>()
            .Bind(configuration.GetSection(DurableOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Orchestrations>();
        services.AddSingleton<Operations.OrchestrationAdmin>();
        services.AddSingleton<TaskHubHealth>();
        return services;
    }
}

/// <summary>
/// The task hub answers a query within a few seconds; its name is reported either way. The client is the one the health
/// function is bound (<c>[DurableClient]</c>): the Durable extension's under the Functions host, the local engine's under
/// the local host, so both hosts check the hub they really use. Not a registered <c>IHealthCheck</c>: the health check
/// service runs checks in a scope of its own, which no binding reaches.
/// </summary>
public sealed class TaskHubHealth(IOptions<DurableOptions> options, IServiceProvider services)
{
    public const string Name = "taskHub";

    public async Task<HealthReportEntry> CheckAsync(DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var data = new Dictionary<string, object> { [Name] = options.Value.TaskHub };
        if (client is null)
        {
            // Only the local host with Durable:Engine=Off binds no client: nothing to reach, by configuration.
            data["reachable"] = false;
            return new HealthReportEntry(HealthStatus.Healthy, "The Durable Task engine is off on this instance.", started.Elapsed, null, data);
        }

        if (services.GetService<DurableEngine>() is { } engine)
        {
            data["storage"] = engine.Storage;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var _ in client.GetAllInstancesAsync(new OrchestrationQuery { PageSize = 1 }).AsPages().WithCancellation(timeout.Token))
            {
                break;
            }

            data["reachable"] = true;
            return new HealthReportEntry(HealthStatus.Healthy, $"Task hub '{options.Value.TaskHub}' answered.", started.Elapsed, null, data);
        }
#pragma warning disable CA1031 // Any failure to reach the task hub is what this check reports.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            data["reachable"] = false;
            return new HealthReportEntry(HealthStatus.Unhealthy, $"Task hub '{options.Value.TaskHub}' cannot be reached: {e.GetType().Name}: {e.Message}", started.Elapsed, null, data);
        }
    }
}
