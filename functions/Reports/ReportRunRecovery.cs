using Integration.Functions.Platform.Orchestrations;
using Integration.Functions.Platform.Records;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Reports;

/// <summary>
/// The <c>run-check</c> deadline of a pending version, due <c>Reports:RunCheckAfter</c> after the request; the commit that
/// publishes the version cancels it, so it fires only for a run that did not finish in time. A run whose instance is
/// gone (the process and its task hub's last writes lost to a kill), failed or terminated is started again under its
/// instance id; one whose instance has not moved for <c>RunCheckAfter</c> (its next message lost) is made in place, as
/// is every run on a process without an engine. Then the check is set again until the version is published. Whoever
/// makes the version, its commit happens once: a second publish of the same number finds it and commits nothing.
/// </summary>
public sealed partial class ReportRunCheck(
    CoordinationReports reports, RecordStore records, Orchestrations orchestrations, IOptions<ReportOptions> options, TimeProvider time, ILogger<ReportRunCheck> logger)
    : IDeadlineHandler
{
    public IReadOnlyCollection<string> Actions { get; } = [CoordinationReports.RunCheckAction];

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var record = await records.GetAsync<CoordinationReportState>(due.Key, cancellationToken);
        if (record is null || !due.IsCurrentFor(record) || record.State.Pending is not { } run)
        {
            return;
        }

        var found = "no engine";
        string outcome;
        if (!orchestrations.Enabled)
        {
            outcome = await MakeInPlaceAsync(run, cancellationToken);
        }
        else
        {
            var client = orchestrations.Client;
            var instance = await client.GetInstanceAsync(CoordinationReportOrchestration.InstanceId(run.Period, run.Version), cancellationToken);
            found = instance?.RuntimeStatus.ToString() ?? "missing";
            if (instance is null || instance.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                await ReportRuns.StartAsync(client, run, cancellationToken);
                outcome = "started again";
            }
            else if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed || time.GetUtcNow() - instance.LastUpdatedAt >= options.Value.RunCheckAfter)
            {
                outcome = await MakeInPlaceAsync(run, cancellationToken);
            }
            else
            {
                outcome = "still running";
            }
        }

        LogChecked(run.Period, run.Version, found, outcome);

        // Not published yet (or published just now, which cancelled this check): look again later.
        var checkAt = time.GetUtcNow() + options.Value.RunCheckAfter;
        await records.UpdateAsync<CoordinationReportState>(due.Key, current =>
            !due.IsCurrentFor(current) || current.State.Pending?.Version != run.Version
                ? null
                : new Change<CoordinationReportState>
                {
                    State = current.State,
                    Action = "coordination-report.run-checked",
                    Principal = "system:deadline",
                    Details = new { period = run.Period, version = run.Version, instance = found, outcome },
                    Schedule = [new DeadlineSchedule(CoordinationReports.RunCheck, CoordinationReports.RunCheckAction, checkAt)],
                },
            cancellationToken);
    }

    private async Task<string> MakeInPlaceAsync(ReportRun run, CancellationToken cancellationToken) =>
        await reports.MakeAsync(run, cancellationToken) is null ? "published by another run" : "made in place";

    [LoggerMessage(EventId = 3020, EventName = "ReportRunLate", Level = LogLevel.Warning, Message = "Coordination report {Period} v{Version} was not published in time (instance: {Instance}); {Outcome}")]
    private partial void LogChecked(string period, int version, string instance, string outcome);
}

/// <summary>
/// At start-up, starts the orchestration of every pending version that has none, as <see cref="Enforcement.PlanOrchestrationRecovery"/>
/// does for plans: a process killed after answering a request may have lost the instance with its task hub's last writes.
/// Starting is idempotent (instance id = period and version); the <c>run-check</c> deadline covers whatever this misses.
/// </summary>
public sealed class ReportRunRecovery(
    Orchestrations orchestrations, RecordStore records, IHostApplicationLifetime lifetime, ILogger<ReportRunRecovery> logger)
    : StartUpRecovery(orchestrations, lifetime, logger)
{
    protected override string What => "the coordination reports' pending runs";

    protected override async Task RecoverAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        await foreach (var report in records.ScanAsync<CoordinationReportState>(CoordinationReports.Kind, cancellationToken))
        {
            if (report.State.Pending is { } run && report.State.Versions.All(v => v.Version != run.Version))
            {
                await ReportRuns.StartAsync(client, run, cancellationToken);
            }
        }
    }
}
