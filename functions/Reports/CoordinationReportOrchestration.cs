using System.Globalization;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Reports;

/// <summary>Shown as the instance's custom status while it runs, and by <c>GET …/{period}</c> with 202.</summary>
public sealed record ReportRunStatus(string Step);

/// <summary>
/// One orchestration per period and version (instance id <c>report-{period}-v{version}</c>): compute and store the JSON,
/// render and store the page and the workbook, then publish the version with its fan-out. Each step is an idempotent
/// activity: the artefacts are content-addressed and the version is committed with its outbox messages in one batch
/// that a repeat finds done, so a crash anywhere neither double-delivers (MessageIds) nor leaves half a version.
/// </summary>
public sealed class CoordinationReportOrchestration : TaskOrchestrator<ReportRun, int>
{
    public const string Name = "coordination-report";
    public const string Computing = "computing";
    public const string StoringArtefacts = "storing-artefacts";
    public const string FanningOut = "fanning-out";
    public const string Done = "done";

    /// <summary>A step that fails (storage briefly unreachable) is tried again before the run gives up.</summary>
    private static readonly TaskOptions Retried = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(5), backoffCoefficient: 2));

    public static string InstanceId(string period, int version) => string.Create(CultureInfo.InvariantCulture, $"report-{period}-v{version}");

    [Function(Name)]
    public static Task<int> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CoordinationReportOrchestration().RunAsync(context, context.GetInput<ReportRun>()!);
    }

    public override async Task<int> RunAsync(TaskOrchestrationContext context, ReportRun input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        context.SetCustomStatus(new ReportRunStatus(Computing));
        var json = await context.CallActivityAsync<string>(ReportComputeActivity.Name, input, Retried);

        context.SetCustomStatus(new ReportRunStatus(StoringArtefacts));
        var artefacts = await context.CallActivityAsync<ReportArtefacts>(ReportArtefactsActivity.Name, new ReportArtefactsInput(input, json), Retried);

        context.SetCustomStatus(new ReportRunStatus(FanningOut));
        var published = await context.CallActivityAsync<int>(ReportFanOutActivity.Name, new ReportArtefactsInput(input, json, artefacts), Retried);

        context.SetCustomStatus(new ReportRunStatus(Done));
        return published;
    }
}

public sealed record ReportArtefactsInput(ReportRun Run, string Json, ReportArtefacts? Artefacts = null);

/// <summary>Computes the content from the indexes and stores it as JSON; returns its SHA-256.</summary>
public sealed class ReportComputeActivity(CoordinationReports reports) : TaskActivity<ReportRun, string>
{
    public const string Name = "coordination-report-compute";

    [Function(Name)]
    public static Task<string> Run([ActivityTrigger] ReportRun input, FunctionContext context) =>
        DurableTaskFunctions.RunActivity<ReportComputeActivity, ReportRun, string>(input, context);

    public override Task<string> RunAsync(TaskActivityContext context, ReportRun input) =>
        reports.ComputeAndStoreAsync(input, CancellationToken.None);
}

/// <summary>Renders the page and the workbook once from the stored JSON and stores them.</summary>
public sealed class ReportArtefactsActivity(CoordinationReports reports) : TaskActivity<ReportArtefactsInput, ReportArtefacts>
{
    public const string Name = "coordination-report-artefacts";

    [Function(Name)]
    public static Task<ReportArtefacts> Run([ActivityTrigger] ReportArtefactsInput input, FunctionContext context) =>
        DurableTaskFunctions.RunActivity<ReportArtefactsActivity, ReportArtefactsInput, ReportArtefacts>(input, context);

    public override Task<ReportArtefacts> RunAsync(TaskActivityContext context, ReportArtefactsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return reports.RenderAndStoreAsync(input.Run, input.Json, CancellationToken.None);
    }
}

/// <summary>
/// Publishes the version with one outbox message per department (the outbox relays them to topic
/// <c>coordination-reports</c>); returns the version number, or 0 when another run published that number first.
/// </summary>
public sealed class ReportFanOutActivity(CoordinationReports reports) : TaskActivity<ReportArtefactsInput, int>
{
    public const string Name = "coordination-report-fan-out";

    [Function(Name)]
    public static Task<int> Run([ActivityTrigger] ReportArtefactsInput input, FunctionContext context) =>
        DurableTaskFunctions.RunActivity<ReportFanOutActivity, ReportArtefactsInput, int>(input, context);

    public override async Task<int> RunAsync(TaskActivityContext context, ReportArtefactsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var published = await reports.PublishAsync(input.Run, input.Artefacts ?? throw new ArgumentException("No artefacts to publish.", nameof(input)), CancellationToken.None);
        return published?.Version ?? 0;
    }
}

/// <summary>Where a version's run stands, for <c>POST</c> and <c>GET</c> while it is not published.</summary>
public sealed record ReportRunView(string Period, int Version, string InstanceId, string RuntimeStatus, string? Step, string Location);

/// <summary>Starts a version's orchestration (once: its instance id is the period and version) and reads its progress.</summary>
public sealed class ReportRuns
{
    private static readonly OrchestrationRuntimeStatus[] Live =
        [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended];

    /// <summary>Starts the run unless its instance is already running or done; a failed or terminated one is started again.</summary>
    public static async Task<ReportRunView> StartAsync(DurableTaskClient client, ReportRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(run);
        var id = CoordinationReportOrchestration.InstanceId(run.Period, run.Version);
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (instance is null || instance.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            if (instance is not null)
            {
                await client.PurgeInstanceAsync(id, cancellation: cancellationToken);
            }

            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(CoordinationReportOrchestration.Name, run, new StartOrchestrationOptions { InstanceId = id }, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or Grpc.Core.RpcException)
            {
                // Started by a concurrent request meanwhile: that instance is this run.
            }

            instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        }

        return View(run.Period, run.Version, instance);
    }

    /// <summary>
    /// Starts the run of a request already stored as pending. An engine that cannot be reached now does not fail the
    /// request: the run is pending in the record, and the start-up check and the <c>run-check</c> deadline start it.
    /// </summary>
    public static async Task<ReportRunView> TryStartAsync(DurableTaskClient client, ReportRun run, CancellationToken cancellationToken)
    {
        try
        {
            return await StartAsync(client, run, cancellationToken);
        }
        catch (Grpc.Core.RpcException)
        {
            return Pending(run);
        }
    }

    /// <summary>A pending run as shown before (or without) its instance: <c>Pending</c>, no step yet.</summary>
    public static ReportRunView Pending(ReportRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return View(run.Period, run.Version, null);
    }

    /// <summary>The run of <paramref name="version"/> while it is not finished; null when there is none, or it completed.</summary>
    public static async Task<ReportRunView?> InProgressAsync(DurableTaskClient client, string period, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(CoordinationReportOrchestration.InstanceId(period, version), getInputsAndOutputs: true, cancellationToken);
        return instance is not null && Live.Contains(instance.RuntimeStatus) ? View(period, version, instance) : null;
    }

    private static ReportRunView View(string period, int version, OrchestrationMetadata? instance) => new(
        period,
        version,
        CoordinationReportOrchestration.InstanceId(period, version),
        (instance?.RuntimeStatus ?? OrchestrationRuntimeStatus.Pending).ToString(),
        instance?.ReadCustomStatusAs<ReportRunStatus>()?.Step,
        CoordinationReports.Link(period, version));
}
