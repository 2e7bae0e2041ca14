using System.Text.Json;
using Integration.Domain.Kernel;
using Integration.Functions.Identity;
using Integration.Functions.Operations.Probe;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Operations;

/// <summary>The operator's view of the task hub: list, inspect, terminate, purge, probe; and the purge timer.</summary>
public static class OrchestrationAdminFunctions
{
    public sealed record TerminateRequest(string? Reason);

    public sealed record ProbeRequest(string? InstanceId, int? WorkingDays, int? WaitSeconds, int? EffectDelayMs);

    public sealed record Accepted(string InstanceId, string Status, string Location);

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("admin-orchestrations", HttpMethods.Get, "admin/orchestrations", List, Admin("Orchestration instances by name, status and creation time, with their custom status"));
        functions.Http("admin-orchestration-probe", HttpMethods.Post, "admin/orchestrations/probe", StartProbe, Admin("Start a platform-probe orchestration"));
        functions.Http("admin-orchestration-get", HttpMethods.Get, "admin/orchestrations/{instanceId}", Get, Admin("An orchestration instance with its history"));
        functions.Http("admin-orchestration-terminate", HttpMethods.Post, "admin/orchestrations/{instanceId}/terminate", Terminate, Admin("Terminate a running orchestration instance"));
        functions.Http("admin-orchestration-event", HttpMethods.Post, "admin/orchestrations/{instanceId}/events/{eventName}", RaiseEvent, Admin("Raise an external event (JSON body as its payload)"));
        functions.Http("admin-orchestration-purge", HttpMethods.Delete, "admin/orchestrations/{instanceId}", Purge, Admin("Purge a finished orchestration instance and its history"));
        functions.Timer("orchestration-purge", "%Durable:PurgeSchedule%", async (_, services, ct) =>
            await services.GetRequiredService<OrchestrationAdmin>().PurgeFinishedAsync(ct));
        PlatformProbe.Register(functions);
    }

    private static Action<RouteHandlerBuilder> Admin(string summary) =>
        b => b.RequireAuthorization(RoleNames.Admin).WithTags("Operations").WithSummary(summary);

    private static async Task<IResult> List(
        string? name, string? status, string? createdFrom, string? createdTo, string? pageSize, string? pageToken,
        Orchestrations orchestrations, OrchestrationAdmin admin, CancellationToken cancellationToken)
    {
        var (query, errors) = OrchestrationListQuery.Read(name, status, createdFrom, createdTo, pageSize, pageToken);
        if (query is null)
        {
            return Problems.Validation(errors);
        }

        return orchestrations.Enabled ? TypedResults.Ok(await admin.ListAsync(query, cancellationToken)) : EngineOff();
    }

    private static async Task<IResult> Get(string instanceId, Orchestrations orchestrations, OrchestrationAdmin admin, CancellationToken cancellationToken)
    {
        if (!orchestrations.Enabled)
        {
            return EngineOff();
        }

        var detail = await admin.GetAsync(instanceId, cancellationToken);
        return detail is null ? NotFound(instanceId) : TypedResults.Ok(detail);
    }

    private static async Task<IResult> Terminate(string instanceId, TerminateRequest? request, Orchestrations orchestrations, OrchestrationAdmin admin, CancellationToken cancellationToken)
    {
        if (!orchestrations.Enabled)
        {
            return EngineOff();
        }

        var before = await admin.TerminateAsync(instanceId, request?.Reason, cancellationToken);
        return before switch
        {
            null => NotFound(instanceId),
            var status when OrchestrationAdmin.Finished.Contains(status.Value) => Finished(instanceId, status.Value, "It has already finished; nothing was changed."),
            _ => TypedResults.Accepted($"/api/admin/orchestrations/{instanceId}", new Accepted(instanceId, "terminating", $"/api/admin/orchestrations/{instanceId}")),
        };
    }

    private static async Task<IResult> Purge(string instanceId, Orchestrations orchestrations, OrchestrationAdmin admin, CancellationToken cancellationToken)
    {
        if (!orchestrations.Enabled)
        {
            return EngineOff();
        }

        var status = await admin.PurgeAsync(instanceId, cancellationToken);
        return status switch
        {
            null => NotFound(instanceId),
            var s when OrchestrationAdmin.Finished.Contains(s.Value) => TypedResults.NoContent(),
            var s => Finished(instanceId, s.Value, "Only a finished instance can be purged: terminate it first."),
        };
    }

    private static async Task<IResult> RaiseEvent(string instanceId, string eventName, HttpRequest request, Orchestrations orchestrations, OrchestrationAdmin admin, CancellationToken cancellationToken)
    {
        JsonElement? payload = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                payload = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException)
            {
                var errors = new FieldErrors();
                errors.Add("body", "must be JSON (the event's payload), or empty.");
                return Problems.Validation(errors);
            }
        }

        if (!orchestrations.Enabled)
        {
            return EngineOff();
        }

        return await admin.RaiseEventAsync(instanceId, eventName, payload, cancellationToken)
            ? TypedResults.Accepted($"/api/admin/orchestrations/{instanceId}", new Accepted(instanceId, "event-raised", $"/api/admin/orchestrations/{instanceId}"))
            : NotFound(instanceId);
    }

    private static async Task<IResult> StartProbe(ProbeRequest? request, Orchestrations orchestrations, OrchestrationAdmin admin, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var input = new ProbeInput(request?.WorkingDays ?? 3, request?.WaitSeconds ?? 300, request?.EffectDelayMs ?? 0);
        if (input.WorkingDays is < 1 or > 30)
        {
            errors.Add("workingDays", "must be from 1 to 30.");
        }

        if (input.WaitSeconds is < 1 or > 86_400)
        {
            errors.Add("waitSeconds", "must be from 1 to 86400 (a day).");
        }

        if (input.EffectDelayMs is < 0 or > 60_000)
        {
            errors.Add("effectDelayMs", "must be from 0 to 60000.");
        }

        var instanceId = request?.InstanceId;
        if (instanceId is not null && (instanceId.Length is 0 or > 100 || instanceId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))))
        {
            errors.Add("instanceId", "must be 1 to 100 letters, digits, '-', '_' or '.'.");
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        if (!orchestrations.Enabled)
        {
            return EngineOff();
        }

        instanceId ??= admin.NewProbeId();
        return await admin.StartProbeAsync(instanceId, input, cancellationToken)
            ? TypedResults.Accepted($"/api/admin/orchestrations/{instanceId}", new Accepted(instanceId, "started", $"/api/admin/orchestrations/{instanceId}"))
            : Problems.Conflict($"An orchestration instance '{instanceId}' already exists.");
    }

    private static ProblemHttpResult NotFound(string instanceId) => Problems.NotFound($"There is no orchestration instance '{instanceId}'.");

    private static ProblemHttpResult Finished(string instanceId, OrchestrationRuntimeStatus status, string detail) =>
        Problems.Conflict($"Orchestration instance '{instanceId}' is {status}. {detail}", new Dictionary<string, object?> { ["runtimeStatus"] = status.ToString() });

    private static ProblemHttpResult EngineOff() => TypedResults.Problem(
        "The Durable Task engine is off on this instance (Durable:Engine=Off).",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Orchestrations are not available");
}
