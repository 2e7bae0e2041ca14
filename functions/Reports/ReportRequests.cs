using Integration.Functions.Platform.Records;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Reports;

/// <summary>
/// The versions asked for and not yet published: a request with the engine on is stored as the report record's pending
/// run, with a <c>run-check</c> deadline, before it is answered. The publishing commit clears both.
/// </summary>
public sealed class ReportRequests(RecordStore records, IOptions<ReportOptions> options, TimeProvider time)
{
    /// <summary>
    /// With the engine: the period's latest version when it is the answer (it exists and no regeneration is asked), else
    /// the run that makes the next version, committed to the record as pending (with its check deadline) before the
    /// caller answers, so that it is made even if this process dies before its orchestration runs. A version already
    /// pending is the answer to a repeat, with or without <paramref name="regenerate"/>.
    /// </summary>
    public async Task<(ReportVersion? Existing, ReportRun? Run)> RequestRunAsync(string period, bool regenerate, string requestedBy, CancellationToken cancellationToken)
    {
        var key = CoordinationReports.Key(period);
        var checkAt = time.GetUtcNow() + options.Value.RunCheckAfter;
        Change<CoordinationReportState>? Decide(CoordinationReportState state) =>
            (state.Latest is not null && !regenerate) || state.Pending is not null
                ? null
                : new Change<CoordinationReportState>
                {
                    State = state with { Pending = new ReportRun(period, (state.Latest?.Version ?? 0) + 1, state.Latest?.Version, requestedBy) },
                    Action = "coordination-report.requested",
                    Principal = requestedBy,
                    Details = new { period, version = (state.Latest?.Version ?? 0) + 1, supersedes = state.Latest?.Version },
                    Schedule = [new DeadlineSchedule(CoordinationReports.RunCheck, CoordinationReports.RunCheckAction, checkAt)],
                };

        CoordinationReportState committed;
        if (await records.GetAsync<CoordinationReportState>(key, cancellationToken) is null)
        {
            try
            {
                committed = (await records.CreateAsync(key, Decide(new CoordinationReportState { Period = period })!, cancellationToken)).Record.State;
                return (null, committed.Pending);
            }
            catch (RecordExistsException)
            {
                // Asked for meanwhile: decided below on what that request stored.
            }
        }

        committed = (await records.UpdateAsync<CoordinationReportState>(key, current => Decide(current.State), cancellationToken)).Record.State;
        return committed.Latest is not null && !regenerate ? (committed.Latest, null) : (committed.Latest, committed.Pending);
    }

    /// <summary>The pending run of the period, when it makes <paramref name="version"/> (the next one when null).</summary>
    public async Task<ReportRun?> PendingAsync(string period, int? version, CancellationToken cancellationToken) =>
        (await records.GetAsync<CoordinationReportState>(CoordinationReports.Key(period), cancellationToken))?.State.Pending is { } pending && (version is null || pending.Version == version)
            ? pending
            : null;
}
