using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Integration.Domain.Kernel;
using Integration.Functions.Operations.Probe;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Operations;

public sealed record OrchestrationSummary(
    string InstanceId,
    string Name,
    string Status,
    JsonElement? CustomStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt);

public sealed record OrchestrationPage(IReadOnlyList<OrchestrationSummary> Items, string? NextPageToken);

public sealed record OrchestrationFailure(string ErrorType, string Message);

public sealed record HistoryEntry(int EventId, string Type, DateTime? Timestamp, JsonElement Details);

public sealed record OrchestrationDetail(
    string InstanceId,
    string Name,
    string Status,
    JsonElement? CustomStatus,
    JsonElement? Input,
    JsonElement? Output,
    OrchestrationFailure? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    IReadOnlyList<HistoryEntry>? History,
    HistoryUnavailable? HistoryUnavailable = null);

/// <summary>
/// Why <see cref="OrchestrationDetail.History"/> is null: a problem (RFC 9457 shape) the operator can act on, given
/// beside the instance rather than instead of it, since status, input, output and custom status are still known.
/// </summary>
public sealed record HistoryUnavailable(string Type, string Title, int Status, string Code, string Detail)
{
    public const string HistoryUnavailableCode = "history-unavailable";

    public static HistoryUnavailable OnThisHost(string taskHub) => new(
        "https://tools.ietf.org/html/rfc9110#section-15.6.2",
        "History is not available on this host",
        StatusCodes.Status501NotImplemented,
        HistoryUnavailableCode,
        $"The Durable extension's endpoint under the Functions host does not serve an instance's history (StreamInstanceHistory is not implemented). " +
        $"Status, input, output and custom status are shown; the history is in the task hub's table '{taskHub}History', partition = the instance id.");
}

/// <summary>The query an operator sends to list orchestrations, as read (and checked) from the query string.</summary>
public sealed record OrchestrationListQuery(
    string? Name,
    IReadOnlyList<OrchestrationRuntimeStatus> Statuses,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    int PageSize,
    string? PageToken)
{
    public const int MaxPageSize = 100;

    public static (OrchestrationListQuery? Query, FieldErrors Errors) Read(string? name, string? status, string? createdFrom, string? createdTo, string? pageSize, string? pageToken)
    {
        var errors = new FieldErrors();
        var statuses = new List<OrchestrationRuntimeStatus>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(part, out _))
            {
                statuses.Add(parsed);
            }
            else
            {
                errors.Add("status", $"{TextRules.Echo(part)} is not a status; use {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())} (comma-separated).");
            }
        }

        var from = Instant(createdFrom, "createdFrom", errors);
        var to = Instant(createdTo, "createdTo", errors);
        if (from is not null && to is not null && from > to)
        {
            errors.Add("createdTo", "must not be before createdFrom.");
        }

        var size = Platform.PageSize.Read(pageSize, errors, MaxPageSize);

        return errors.IsEmpty
            ? (new OrchestrationListQuery(string.IsNullOrWhiteSpace(name) ? null : name.Trim(), statuses, from, to, size, string.IsNullOrEmpty(pageToken) ? null : pageToken), errors)
            : (null, errors);
    }

    private static DateTimeOffset? Instant(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        errors.Add(field, "must be an ISO 8601 date or instant, e.g. 2026-11-20 or 2026-11-20T08:00:00+08:00.");
        return null;
    }
}

/// <summary>
/// What the operations endpoints do with the task hub, through the client the function was bound (the extension's
/// under the Functions host, the local engine's otherwise); the functions themselves only translate HTTP.
/// </summary>
public sealed class OrchestrationAdmin(Orchestrations orchestrations, TimeProvider time, IServiceProvider services, ILogger<OrchestrationAdmin> logger)
{
    public static readonly IReadOnlyList<OrchestrationRuntimeStatus> Finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    public async Task<OrchestrationPage> ListAsync(DurableTaskClient client, OrchestrationListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(query);
        var hubQuery = new OrchestrationQuery
        {
            CreatedFrom = query.CreatedFrom,
            CreatedTo = query.CreatedTo,
            Statuses = query.Statuses.Count == 0 ? null : query.Statuses,
            PageSize = query.PageSize,
            ContinuationToken = query.PageToken,
            FetchInputsAndOutputs = true,
        };

        // The task hub filters by status and creation time; the name is filtered here, so a page may come back short.
        await foreach (var page in client.GetAllInstancesAsync(hubQuery).AsPages(query.PageToken, query.PageSize).WithCancellation(cancellationToken))
        {
            var items = page.Values
                .Where(m => query.Name is null || string.Equals(m.Name, query.Name, StringComparison.OrdinalIgnoreCase))
                .Select(Summary)
                .ToArray();
            return new OrchestrationPage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }

        return new OrchestrationPage([], null);
    }

    public async Task<OrchestrationDetail?> GetAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return null;
        }

        // Locally the provider is asked directly (see DurableEngine.GetHistoryAsync); elsewhere, the client.
        IReadOnlyList<HistoryEntry>? history = null;
        HistoryUnavailable? unavailable = null;
        if (services.GetService<DurableEngine>() is { } engine)
        {
            history = (await engine.GetHistoryAsync(instanceId)).EnumerateArray().Select(Entry).ToArray();
        }
        else
        {
            try
            {
                history = (await client.GetOrchestrationHistoryAsync(instanceId, cancellationToken))
                    .Select(e => Entry(JsonSerializer.SerializeToElement(e, e.GetType()))).ToArray();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                // The Functions host's gRPC endpoint (the extension's LocalGrpcListener) serves instances, queries, events,
                // termination and purge, but not the history stream: the instance is still worth showing.
                unavailable = HistoryUnavailable.OnThisHost(orchestrations.TaskHub);
            }
        }

        return new OrchestrationDetail(
            metadata.InstanceId,
            metadata.Name,
            StatusName(metadata.RuntimeStatus),
            Json(metadata.SerializedCustomStatus),
            Json(metadata.SerializedInput),
            Json(metadata.SerializedOutput),
            metadata.FailureDetails is { } failure ? new OrchestrationFailure(failure.ErrorType, failure.ErrorMessage) : null,
            metadata.CreatedAt,
            metadata.LastUpdatedAt,
            history,
            unavailable);
    }

    /// <summary>Null when there is no such instance; otherwise its status before the request.</summary>
    public async Task<OrchestrationRuntimeStatus?> TerminateAsync(DurableTaskClient client, string instanceId, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (metadata is null)
        {
            return null;
        }

        if (!Finished.Contains(metadata.RuntimeStatus))
        {
            await client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions { Output = reason }, cancellationToken);
        }

        return metadata.RuntimeStatus;
    }

    /// <summary>Null when there is no such instance; otherwise its status (purged only when finished).</summary>
    public async Task<OrchestrationRuntimeStatus?> PurgeAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (metadata is null)
        {
            return null;
        }

        if (Finished.Contains(metadata.RuntimeStatus))
        {
            await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken);
        }

        return metadata.RuntimeStatus;
    }

    /// <summary>False when there is no such instance.</summary>
    public async Task<bool> RaiseEventAsync(DurableTaskClient client, string instanceId, string eventName, JsonElement? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (metadata is null)
        {
            return false;
        }

        await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        return true;
    }

    /// <summary>Starts a probe; false when an instance with that id already exists.</summary>
    public async Task<bool> StartProbeAsync(DurableTaskClient client, string instanceId, ProbeInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(
            PlatformProbe.Name, input, new StartOrchestrationOptions { InstanceId = instanceId }, cancellationToken);
        return true;
    }

    public string NewProbeId() => $"probe-{time.GetUtcNow():yyyyMMdd-HHmmss-fff}";

    /// <summary>Purges finished instances created before <c>Durable:PurgeAfter</c> ago; returns how many.</summary>
    public async Task<int> PurgeFinishedAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        // The sidecar needs both ends of the creation-time range.
        var cutoff = time.GetUtcNow() - orchestrations.Options.PurgeAfter;
        var result = await client.PurgeAllInstancesAsync(
            new PurgeInstancesFilter(CreatedFrom: DateTimeOffset.UnixEpoch, CreatedTo: cutoff, Statuses: Finished), cancellationToken);
        logger.LogInformation("Purged {Count} finished orchestration instances created before {Cutoff:o}", result.PurgedInstanceCount, cutoff);
        return result.PurgedInstanceCount;
    }

    public static string StatusName(OrchestrationRuntimeStatus status) => status.ToString();

    private static OrchestrationSummary Summary(OrchestrationMetadata m) =>
        new(m.InstanceId, m.Name, StatusName(m.RuntimeStatus), Json(m.SerializedCustomStatus), m.CreatedAt, m.LastUpdatedAt);

    private static JsonElement? Json(string? serialized) => string.IsNullOrEmpty(serialized) ? null : JsonText.ToElement(serialized);

    private static HistoryEntry Entry(JsonElement e)
    {
        var type = e.TryGetProperty("EventType", out var t)
            ? t.ValueKind == JsonValueKind.Number ? ((DurableTask.Core.History.EventType)t.GetInt32()).ToString() : t.GetString() ?? "?"
            : "?";
        var eventId = e.TryGetProperty("EventId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt32() : -1;
        DateTime? timestamp = e.TryGetProperty("Timestamp", out var ts) && ts.ValueKind == JsonValueKind.String && ts.TryGetDateTime(out var at) ? at : null;
        return new HistoryEntry(eventId, type, timestamp, e);
    }
}
