using Integration.Domain.Storage;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Integration.Functions.Health;

/// <summary>
/// <c>GET /api/health</c>: 200 when the process, its store and its task hub are ready, 503 with the failing check
/// otherwise. The task hub is reached through the function's <c>[DurableClient]</c> binding, as the orchestration admin
/// functions reach it, so under the Functions host it is the extension's hub that is checked.
/// </summary>
public sealed class HealthFunctions(HealthCheckService health, TaskHubHealth taskHub)
{
    public sealed record CheckResult(string Status, string? Description, double DurationMs, IReadOnlyDictionary<string, object>? Data = null);

    public sealed record HealthResponse(string Status, IReadOnlyDictionary<string, CheckResult> Checks);

    [Function("health")]
    [AllowAnonymous]
    [Tags("Operations")]
    [EndpointSummary("Process, store and task hub readiness")]
    public async Task<JsonHttpResult<HealthResponse>> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var checks = health.CheckHealthAsync(cancellationToken);
        var hub = await taskHub.CheckAsync(client, cancellationToken);
        var entries = (await checks).Entries.Append(new(TaskHubHealth.Name, hub)).ToArray();
        var overall = entries.Min(e => e.Value.Status);
        var body = new HealthResponse(
            Name(overall),
            entries.ToDictionary(e => e.Key, e => new CheckResult(Name(e.Value.Status), e.Value.Description, e.Value.Duration.TotalMilliseconds, e.Value.Data.Count == 0 ? null : e.Value.Data)));
        var status = overall == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return TypedResults.Json(body, statusCode: status);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}

/// <summary>The store answers a round trip within a few seconds.</summary>
public sealed class TableStoreHealthCheck(ITableStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await store.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy($"{store.GetType().Name} answered.");
        }
#pragma warning disable CA1031 // Any failure to reach the store is what this check reports.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"{store.GetType().Name} cannot be reached: {e.GetType().Name}: {e.Message}");
        }
    }
}
