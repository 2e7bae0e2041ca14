using System.Text.Json;
using Integration.Domain.Kernel;
using Integration.Functions.Identity;
using Integration.Functions.Operations.Probe;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Operations;

/// <summary>
/// The operator's view of the task hub: list, inspect, terminate, purge, probe; and the purge timer. The client is a
/// <c>[DurableClient]</c> binding: the Durable extension's under the Functions host, the local engine's under the local
/// host, and null only when the local engine is off (<c>Durable:Engine=Off</c>).
/// </summary>
public sealed class OrchestrationFunctions(IOptions<DurableOptions> options, OrchestrationAdmin admin)
{
    public sealed record Accepted(string InstanceId, string Status, string Location);

    [Function("admin-orchestrations")]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Orchestration instances by name, status and creation time, with their custom status")]
    public async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/orchestrations")] HttpRequest request, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var q = request.Query;
        var (query, errors) = OrchestrationListQuery.Read(q["name"], q["status"], q["createdFrom"], q["createdTo"], q["pageSize"], q["pageToken"]);
        if (query is null)
        {
            return Problems.Validation(errors);
        }

        return client is null ? EngineOff() : TypedResults.Ok(await admin.ListAsync(client, query, cancellationToken));
    }

    [Function("admin-orchestration-probe")]
    [JsonBody(OperationBodies.Probe)]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Start a platform-probe orchestration")]
    public async Task<IResult> StartProbe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operations/orchestrations/probe")] HttpRequest request, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (await RequestBody.ReadJsonAsync(request, errors, cancellationToken) is not { } body)
        {
            return Problems.Validation(errors);
        }

        var fields = new JsonFields(body, errors);
        var input = new ProbeInput(
            (int)(fields.Integer("workingDays", 1, 30, required: false) ?? 3),
            (int)(fields.Integer("waitSeconds", 1, 86_400, required: false) ?? 300),
            (int)(fields.Integer("effectDelayMs", 0, 60_000, required: false) ?? 0));
        var instanceId = fields.String("instanceId", required: false, maxLength: 100);
        if (instanceId is { Length: 0 })
        {
            // The engine refuses an empty id; leave the field out to have one made up.
            fields.Add("instanceId", "Must not be blank: leave it out for a new id (不得为空).");
        }
        else if (instanceId is not null && instanceId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            fields.Add("instanceId", "Letters, digits, '-', '_' or '.' only.");
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        if (client is null)
        {
            return EngineOff();
        }

        instanceId ??= admin.NewProbeId();
        return await admin.StartProbeAsync(client, instanceId, input, cancellationToken)
            ? TypedResults.Accepted(Location(instanceId), new Accepted(instanceId, "started", Location(instanceId)))
            : Problems.Conflict($"An orchestration instance {TextRules.Echo(instanceId)} already exists.");
    }

    [Function("admin-orchestration-get")]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("An orchestration instance with its history")]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/orchestrations/{instanceId}")] HttpRequest request, string instanceId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return EngineOff();
        }

        var detail = await admin.GetAsync(client, instanceId, cancellationToken);
        return detail is null ? NotFound(instanceId) : TypedResults.Ok(detail);
    }

    [Function("admin-orchestration-terminate")]
    [JsonBody(OperationBodies.Terminate)]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Terminate a running orchestration instance")]
    public async Task<IResult> Terminate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operations/orchestrations/{instanceId}/terminate")] HttpRequest request, string instanceId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (await RequestBody.ReadJsonAsync(request, errors, cancellationToken) is not { } body)
        {
            return Problems.Validation(errors);
        }

        var reason = new JsonFields(body, errors).String("reason", required: false);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        if (client is null)
        {
            return EngineOff();
        }

        var before = await admin.TerminateAsync(client, instanceId, reason, cancellationToken);
        return before switch
        {
            null => NotFound(instanceId),
            var status when OrchestrationAdmin.Finished.Contains(status.Value) => Finished(instanceId, status.Value, "It has already finished; nothing was changed."),
            _ => TypedResults.Accepted(Location(instanceId), new Accepted(instanceId, "terminating", Location(instanceId))),
        };
    }

    [Function("admin-orchestration-event")]
    [JsonBody(OperationBodies.Event)]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Raise an external event (JSON body as its payload)")]
    public async Task<IResult> RaiseEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operations/orchestrations/{instanceId}/events/{eventName}")] HttpRequest request,
        string instanceId, string eventName, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        JsonElement? payload = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var errors = new FieldErrors();
            payload = await RequestBody.ReadJsonAsync(request, errors, cancellationToken);
            if (payload is null)
            {
                return Problems.Validation(errors);
            }
        }

        if (client is null)
        {
            return EngineOff();
        }

        return await admin.RaiseEventAsync(client, instanceId, eventName, payload, cancellationToken)
            ? TypedResults.Accepted(Location(instanceId), new Accepted(instanceId, "event-raised", Location(instanceId)))
            : NotFound(instanceId);
    }

    [Function("admin-orchestration-purge")]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Purge a finished orchestration instance and its history")]
    public async Task<IResult> Purge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "operations/orchestrations/{instanceId}")] HttpRequest request, string instanceId, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return EngineOff();
        }

        var status = await admin.PurgeAsync(client, instanceId, cancellationToken);
        return status switch
        {
            null => NotFound(instanceId),
            var s when OrchestrationAdmin.Finished.Contains(s.Value) => TypedResults.NoContent(),
            var s => Finished(instanceId, s.Value, "Only a finished instance can be purged: terminate it first."),
        };
    }

    /// <summary>Purges instances finished longer ago than <c>Durable:PurgeAfter</c> (<c>Durable:PurgeSchedule</c>).</summary>
    [Function("orchestration-purge")]
    public async Task PurgeFinished(
        [TimerTrigger("%Durable:PurgeSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken)
    {
        // Null only locally with Durable:Engine=Off: there is no task hub to purge.
        if (client is not null)
        {
            await admin.PurgeFinishedAsync(client, cancellationToken);
        }
    }

    private static string Location(string instanceId) => $"/api/operations/orchestrations/{Uri.EscapeDataString(instanceId)}";

    private static ProblemHttpResult NotFound(string instanceId) => Problems.NotFound($"There is no orchestration instance {TextRules.Echo(instanceId)}.");

    private static ProblemHttpResult Finished(string instanceId, OrchestrationRuntimeStatus status, string detail) =>
        Problems.Conflict($"Orchestration instance {TextRules.Echo(instanceId)} is {status}. {detail}", new Dictionary<string, object?> { ["runtimeStatus"] = status.ToString() });

    private ProblemHttpResult EngineOff() => TypedResults.Problem(
        options.Value.Engine == DurableEngineMode.Off
            ? "The Durable Task engine is off on this instance (Durable:Engine=Off)."
            : "This process has no Durable Task client.",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Orchestrations are not available");
}
