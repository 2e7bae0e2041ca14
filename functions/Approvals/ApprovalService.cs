using Integration.Domain.Approvals;
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
/// Applies the decisions of <see cref="ApprovalDecisions"/> to approval records: one atomic commit
/// of the new state, its history entry, its messages and its deadlines; the record store then writes
/// the listing index (<see cref="ApprovalIndex"/>, a projection of the record).
/// Push and pull both come in through <see cref="ReceiveAsync"/>.
/// </summary>
public sealed class ApprovalService(
    RecordStore records,
    ApprovalIndex index,
    ResponsibilityList responsibilities,
    CalendarSource calendar,
    WorkingDayDeadlines deadlines,
    MunicipalityOptions municipality,
    IOptions<ApprovalOptions> options,
    TimeProvider time)
{
    public const string Kind = "approval";

    public static RecordKey Key(string approvalId) => new(Kind, approvalId);

    public ClaimPolicy Policy => new(calendar.Current, options.Value.ClaimWorkingDays, responsibilities.Coordinator);

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
            var decision = ApprovalDecisions.Receive(null, submission, updatedAt, routes, via, time.GetUtcNow(), Policy);
            try
            {
                var created = await records.CreateAsync(key, ReceiveChange(decision, via), cancellationToken);
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
            last = ApprovalDecisions.Receive(record.State, submission, updatedAt, routes, via, time.GetUtcNow(), Policy);
            return last.Changes ? ReceiveChange(last, via) : null;
        }, cancellationToken);

        // A commit projects itself; a repeat projects too, so a re-push repairs what an older crash left behind.
        if (!result.Changed)
        {
            await index.ProjectAsync(result.Record, CancellationToken.None);
        }

        return new(last!.Outcome, result.Record, last.Problem);
    }

    public Task<CommandResult> ClaimAsync(string approvalId, string department, CancellationToken cancellationToken = default) =>
        CommandAsync(approvalId, (state, now) => ApprovalDecisions.Claim(state, department, now), decision => new Change<ApprovalState>
        {
            State = decision.State,
            Action = "approval.claimed",
            Principal = department,
            Details = new { department, late = decision.Part!.ClaimedLate },
            Cancel = [.. ApprovalDeadlines.Names(department)],
            Messages = [ApprovalMessages.ToApprovalSystem(ApprovalMessages.Claimed, decision.State, decision.Part, new { claimedBy = department, claimedAt = decision.Part.ClaimedAt })],
        }, cancellationToken);

    public Task<CommandResult> DeclineAsync(string approvalId, string department, string reason, CancellationToken cancellationToken = default) =>
        CommandAsync(approvalId, (state, now) => ApprovalDecisions.Decline(state, department, reason, now, Policy), decision => new Change<ApprovalState>
        {
            State = decision.State,
            Action = "approval.declined",
            Principal = department,
            Details = new { department, reason },
            Cancel = [.. ApprovalDeadlines.Names(department)],
            Messages = [ApprovalMessages.ToDepartment(ApprovalMessages.Declined, responsibilities.Coordinator, decision.State, decision.Part, new { declinedBy = department, reason })],
        }, cancellationToken);

    public Task<CommandResult> AssignAsync(string approvalId, string coordinator, string department, CancellationToken cancellationToken = default) =>
        CommandAsync(approvalId, (state, now) => ApprovalDecisions.Assign(state, department, now, Policy), decision =>
        {
            var part = decision.Part!;
            return new Change<ApprovalState>
            {
                State = decision.State,
                Action = "approval.assigned",
                Principal = coordinator,
                Details = new { department, settled = decision.Settled.Select(p => new { department = p.Department, status = p.Status }).ToArray() },
                Schedule = [.. ApprovalDeadlines.For(part, deadlines, options.Value.ClaimWorkingDays)],
                Cancel = [.. decision.Settled.Where(p => p.Status == ClaimStatus.Assigned).SelectMany(p => ApprovalDeadlines.Names(p.Department))],
                Messages =
                [
                    ApprovalMessages.ToDepartment(ApprovalMessages.Pushed, department, decision.State, part, new { assignedBy = coordinator }),
                    ApprovalMessages.ToApprovalSystem(ApprovalMessages.Routed, decision.State, part, new { departments = new[] { department }, assignedBy = coordinator }),
                ],
            };
        }, cancellationToken);

    private async Task<CommandResult> CommandAsync(
        string approvalId, Func<ApprovalState, DateTimeOffset, CommandDecision> decide, Func<CommandDecision, Change<ApprovalState>> change, CancellationToken cancellationToken)
    {
        CommandDecision? last = null;
        try
        {
            var result = await records.UpdateAsync<ApprovalState>(Key(approvalId), record =>
            {
                last = decide(record.State, time.GetUtcNow());
                return last.Outcome == CommandOutcome.Changed ? change(last) : null;
            }, cancellationToken);
            return new(last!.Outcome, result.Record, last.Part, last.Problem);
        }
        catch (RecordNotFoundException)
        {
            return new(CommandOutcome.NotRouted, null, null, $"There is no approval {approvalId}.");
        }
    }

    private Change<ApprovalState> ReceiveChange(ReceiveDecision decision, string via)
    {
        var state = decision.State!;
        var messages = new List<OutboundMessage>();
        var schedule = new List<DeadlineSchedule>();
        foreach (var part in decision.Routed)
        {
            messages.Add(ApprovalMessages.ToDepartment(ApprovalMessages.Pushed, part.Department, state, part));
            schedule.AddRange(ApprovalDeadlines.For(part, deadlines, options.Value.ClaimWorkingDays));
        }

        var previous = state.Versions.Count > 1 ? state.Versions[^2].Version : (long?)null;
        foreach (var part in decision.Notified)
        {
            // 审批结果变更: the departments holding the approval learn that what they supervise changed.
            messages.Add(ApprovalMessages.ToDepartment(ApprovalMessages.Changed, part.Department, state, part, new { previousVersion = previous, version = state.Current.Version }));
        }

        if (decision.Routed.Count > 0)
        {
            messages.Add(ApprovalMessages.ToApprovalSystem(ApprovalMessages.Routed, state, null, new { departments = decision.Routed.Select(p => p.Department).ToArray() }));
        }

        return new Change<ApprovalState>
        {
            State = state,
            Action = decision.Outcome == ReceiveOutcome.Created ? "approval.received" : "approval.version-received",
            Principal = SourceSystem,
            Details = new
            {
                version = state.Current.Version,
                previousVersion = previous,
                via,
                routed = decision.Routed.Select(p => new { department = p.Department, reason = p.Reason }).ToArray(),
                notified = decision.Notified.Select(p => p.Department).ToArray(),
            },
            Messages = messages,
            Schedule = schedule,
        };
    }
}
