using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Routing;
using Integration.Functions.Calendar;
using Integration.Functions.Identity;
using Integration.Functions.Platform.Records;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Approvals;

public sealed record ReceiveResult(ReceiveOutcome Outcome, Record<ApprovalState> Record, string? Problem);

/// <summary>What a command did; <see cref="Record"/> is null when the approval does not exist.</summary>
public sealed record CommandResult(CommandOutcome Outcome, Record<ApprovalState>? Record, ApprovalPart? Part, string? Problem);

/// <summary>
/// Applies what <see cref="ApprovalMachine"/> decides to approval records: one atomic commit of the new
/// state, its history entry, its messages and its clocks; the record store then writes the listing
/// index (<see cref="ApprovalIndex"/>, a projection of the record). Push and pull both come in through
/// <see cref="ReceiveAsync"/>; claim clocks come back through <see cref="OnDeadlineAsync"/>.
/// </summary>
public sealed class ApprovalService(
    RecordStore records,
    ApprovalIndex index,
    ResponsibilityList responsibilities,
    CalendarSource calendar,
    MunicipalityOptions municipality,
    IOptions<ApprovalOptions> options,
    TimeProvider time)
{
    public const string Kind = ApprovalMachine.Kind;

    public static RecordKey Key(string approvalId) => new(Kind, approvalId);

    public ClaimPolicy Policy => new(calendar.Current, options.Value.ClaimWorkingDays, responsibilities.Coordinator);

    /// <summary>The calendar every claim clock is counted on when it is shown: the one loaded now.</summary>
    public WorkingDayCalendar Calendar => calendar.Current;

    public string SourceSystem => options.Value.SourceSystem;

    /// <summary>Whether the industry is in the municipality's catalogue; an approval of any other is kept, flagged and routed to the coordinator.</summary>
    public bool IsKnownIndustry(string industry) => responsibilities.Industries.ContainsKey(industry);

    public ApprovalRules Rules() => new(responsibilities.Industries.Keys.ToArray(), municipality.RegionCode, time.GetUtcNow());

    /// <summary>Stores a version of an approval once, whichever way it came (<paramref name="via"/>: push or pull) and however often.</summary>
    public async Task<ReceiveResult> ReceiveAsync(ApprovalSubmission submission, DateTimeOffset? updatedAt, string via, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var key = Key(submission.ApprovalId);
        var routes = responsibilities.RouteFor(submission.Industry, submission.RegionCode, submission.Tendering.Scope);
        if (await records.GetAsync<ApprovalState>(key, cancellationToken) is null)
        {
            var decision = ApprovalMachine.Receive(null, submission, updatedAt, routes, via, time.GetUtcNow(), Policy);
            try
            {
                var created = await records.CreateAsync(key, ToChange(decision.State!, decision.Transition!, SourceSystem), cancellationToken);
                return new(decision.Outcome, created.Record, null);
            }
            catch (RecordExistsException)
            {
                // Another delivery of this approval committed first; decide again on what it stored.
            }
        }

        ReceiveDecision? last = null;
        var result = await records.UpdateAsync<ApprovalState>(key, record =>
        {
            last = ApprovalMachine.Receive(record.State, submission, updatedAt, routes, via, time.GetUtcNow(), Policy);
            return last.Transition is { } transition ? ToChange(last.State!, transition, SourceSystem) : null;
        }, cancellationToken);

        // A commit projects itself; a repeat projects too, so a re-push repairs what an older crash left behind.
        if (!result.Changed)
        {
            await index.ProjectAsync(result.Record, CancellationToken.None);
        }

        return new(last!.Outcome, result.Record, last.Problem);
    }

    public Task<CommandResult> ClaimAsync(string approvalId, string department, CancellationToken cancellationToken = default) =>
        CommandAsync(approvalId, department, (state, now) => ApprovalMachine.Claim(state, department, now, Policy), cancellationToken);

    public Task<CommandResult> DeclineAsync(string approvalId, string department, string reason, CancellationToken cancellationToken = default) =>
        CommandAsync(approvalId, department, (state, now) => ApprovalMachine.Decline(state, department, reason, now, Policy), cancellationToken);

    public Task<CommandResult> AssignAsync(string approvalId, string coordinator, string department, CancellationToken cancellationToken = default) =>
        CommandAsync(approvalId, coordinator, (state, now) => ApprovalMachine.Assign(state, department, now, Policy), cancellationToken);

    public Task<Record<ApprovalState>?> GetAsync(string approvalId, CancellationToken cancellationToken) =>
        records.GetAsync<ApprovalState>(Key(approvalId), cancellationToken);

    public Task<IReadOnlyList<Domain.Audit.AuditEntry>> HistoryAsync(string approvalId, CancellationToken cancellationToken) =>
        records.HistoryAsync(Key(approvalId), cancellationToken);

    /// <summary>A claim clock came due: reminds or warns, unless the part was claimed or declined meanwhile.</summary>
    /// <returns>True when the approval changed (the deadline fired).</returns>
    public async Task<bool> OnDeadlineAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var result = await records.UpdateAsync<ApprovalState>(due.Key, record =>
        {
            if (!due.IsCurrentFor(record) || record.Deadline(due.Deadline)?.Data is not { } department)
            {
                return null;
            }

            var decision = ApprovalMachine.OnClock(record.State, due.Action, due.Deadline, department, time.GetUtcNow(), Policy);
            return decision.Transition is { } transition ? ToChange(decision.State, transition, ApprovalDeadlines.System) : null;
        }, cancellationToken);
        return result.Changed;
    }

    private async Task<CommandResult> CommandAsync(string approvalId, string principal, Func<ApprovalState, DateTimeOffset, CommandDecision> decide, CancellationToken cancellationToken)
    {
        CommandDecision? last = null;
        try
        {
            var result = await records.UpdateAsync<ApprovalState>(Key(approvalId), record =>
            {
                last = decide(record.State, time.GetUtcNow());
                return last.Transition is { } transition ? ToChange(last.State, transition, principal) : null;
            }, cancellationToken);
            return new(last!.Outcome, result.Record, last.Part, last.Problem);
        }
        catch (RecordNotFoundException)
        {
            return new(CommandOutcome.NotRouted, null, null, $"There is no approval {approvalId}.");
        }
    }

    /// <summary>The one way an approval transition is committed: state, history entry, messages and clocks, in one write.</summary>
    private Change<ApprovalState> ToChange(ApprovalState state, ApprovalTransition transition, string principal)
    {
        var current = calendar.Current;
        return new Change<ApprovalState>
        {
            State = state,
            Action = transition.Action,
            Principal = principal,
            Details = transition.Details,
            Messages = [.. transition.Notices.Select(n => ApprovalMessages.From(n, state, current))],
            Schedule = [.. WorkingDayDeadlines.Schedules(transition.Start, current, time.GetUtcNow())],
            Cancel = [.. transition.Stop],
            Fired = [.. transition.Fired],
        };
    }
}
