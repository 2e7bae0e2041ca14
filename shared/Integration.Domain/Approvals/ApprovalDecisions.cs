using System.Globalization;
using Integration.Domain.Calendar;
using Integration.Domain.Routing;

namespace Integration.Domain.Approvals;

/// <summary>How long a department has to claim, on which calendar, and who assigns what nobody claims.</summary>
public sealed record ClaimPolicy(WorkingDayCalendar Calendar, int WorkingDays, string Coordinator)
{
    /// <summary>"Within N working days of the push": the day of the push is not counted.</summary>
    public ClaimDeadline DeadlineFrom(DateTimeOffset routedAt) => ClaimDeadline.From(Calendar.AddWorkingDays(routedAt, WorkingDays));
}

public enum ReceiveOutcome
{
    /// <summary>A new approval: stored and routed.</summary>
    Created,

    /// <summary>A newer version of a known approval: stored; active departments are told (审批结果变更).</summary>
    Updated,

    /// <summary>This version was stored before with the same content: nothing to do.</summary>
    Duplicate,

    /// <summary>Older than the stored version: never overwrites it.</summary>
    Stale,

    /// <summary>This version was stored before with different content: the source contradicts itself.</summary>
    Conflict,
}

/// <summary>What receiving a version of an approval does.</summary>
/// <param name="State">The new state when <see cref="Changes"/>, otherwise the current one.</param>
/// <param name="Routed">Parts created by this receipt (each gets approval.pushed and a claim deadline).</param>
/// <param name="Notified">Active parts to tell that the approval changed.</param>
public sealed record ReceiveDecision(ReceiveOutcome Outcome, ApprovalState? State, IReadOnlyList<ApprovalPart> Routed, IReadOnlyList<ApprovalPart> Notified, string? Problem)
{
    public bool Changes => Outcome is ReceiveOutcome.Created or ReceiveOutcome.Updated;
}

public enum CommandOutcome
{
    Changed,
    Unchanged,

    /// <summary>The caller holds no part of this approval (403).</summary>
    NotRouted,

    /// <summary>The part is in a state that forbids the command (409).</summary>
    Conflict,
}

/// <summary>What a claim, decline, assignment or deadline does to an approval.</summary>
/// <param name="Part">The part the command acted on, as it is afterwards.</param>
/// <param name="Settled">Parts the coordinator dealt with by assigning (their deadlines are cancelled).</param>
public sealed record CommandDecision(CommandOutcome Outcome, ApprovalState State, ApprovalPart? Part, string? Problem, IReadOnlyList<ApprovalPart> Settled)
{
    internal static CommandDecision Changed(ApprovalState state, ApprovalPart part, IReadOnlyList<ApprovalPart>? settled = null) =>
        new(CommandOutcome.Changed, state.WithPart(part), part, null, settled ?? []);

    internal static CommandDecision Unchanged(ApprovalState state, ApprovalPart? part) => new(CommandOutcome.Unchanged, state, part, null, []);

    internal static CommandDecision NotRouted(ApprovalState state, string department) =>
        new(CommandOutcome.NotRouted, state, null, $"Approval {state.ApprovalId} was not routed to '{department}'.", []);

    internal static CommandDecision Conflict(ApprovalState state, ApprovalPart part, string problem) => new(CommandOutcome.Conflict, state, part, problem, []);
}

/// <summary>
/// The rules of approval sync and claim ("谁审批、谁推送，谁监管、谁认领") as pure functions of the
/// current state, the input and the time: the record store commits what they decide.
/// </summary>
public static class ApprovalDecisions
{
    public static ReceiveDecision Receive(
        ApprovalState? current, ApprovalSubmission submission, DateTimeOffset? updatedAt, IReadOnlyList<Route> routes, string via, DateTimeOffset now, ClaimPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(policy);
        var fingerprint = submission.Fingerprint();
        var version = new ApprovalVersion(submission.Version, now, via, fingerprint, updatedAt, submission);
        if (current is null)
        {
            var parts = routes.Select(r => NewPart(r.Department, r.Reason, now, policy)).ToArray();
            var created = new ApprovalState { ApprovalId = submission.ApprovalId, Current = submission, ReceivedAt = now, Versions = [version], Parts = parts };
            return new(ReceiveOutcome.Created, created, parts, [], null);
        }

        if (current.Versions.FirstOrDefault(v => v.Version == submission.Version) is { } stored)
        {
            return stored.Fingerprint == fingerprint
                ? new(ReceiveOutcome.Duplicate, current, [], [], null)
                : new(ReceiveOutcome.Conflict, current, [], [], $"Version {submission.Version} of approval {submission.ApprovalId} was already received with different content; send a new version instead.");
        }

        if (submission.Version < current.Current.Version)
        {
            return new(ReceiveOutcome.Stale, current, [], [], $"Version {submission.Version} is older than the stored version {current.Current.Version}; it was not applied.");
        }

        // A new version can widen the competent departments (e.g. equipment added to the scope); parts
        // already decided stay as they are: only a person reverses a decline or an assignment.
        var notified = current.Parts.Where(p => p.IsActive).ToArray();
        var added = routes.Where(r => current.PartOf(r.Department) is null).Select(r => NewPart(r.Department, r.Reason, now, policy)).ToArray();
        var updated = current with { Current = submission, Versions = [.. current.Versions, version], Parts = [.. current.Parts, .. added] };
        return new(ReceiveOutcome.Updated, updated, added, notified, null);
    }

    /// <summary>Claim by a department the approval was routed to: its own part only; claiming twice changes nothing.</summary>
    public static CommandDecision Claim(ApprovalState state, string department, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.PartOf(department) is not { } part)
        {
            return CommandDecision.NotRouted(state, department);
        }

        return part.Status switch
        {
            ClaimStatus.Pending => CommandDecision.Changed(state, part with { Status = ClaimStatus.Claimed, ClaimedAt = now, ClaimedLate = now >= part.ClaimDeadline.DueAt }),
            ClaimStatus.Claimed => CommandDecision.Unchanged(state, part),
            ClaimStatus.Declined => CommandDecision.Conflict(state, part,
                $"'{department}' declined approval {state.ApprovalId} at {Format(part.DeclinedAt)}; only the coordinator can route it to '{department}' again."),
            _ => CommandDecision.Conflict(state, part, $"'{department}' has assigned approval {state.ApprovalId} to another department."),
        };
    }

    /// <summary>Decline with a reason: the part goes back to the coordinator, which assigns the approval.</summary>
    public static CommandDecision Decline(ApprovalState state, string department, string reason, DateTimeOffset now, ClaimPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        if (state.PartOf(department) is not { } part)
        {
            return CommandDecision.NotRouted(state, department);
        }

        if (department == policy.Coordinator)
        {
            return CommandDecision.Conflict(state, part, $"The coordinator '{department}' assigns approval {state.ApprovalId} to a competent department rather than declining it.");
        }

        return part.Status switch
        {
            ClaimStatus.Pending => CommandDecision.Changed(state, part with { Status = ClaimStatus.Declined, DeclinedAt = now, DeclineReason = reason }),
            ClaimStatus.Declined => CommandDecision.Unchanged(state, part),
            ClaimStatus.Claimed => CommandDecision.Conflict(state, part,
                $"'{department}' claimed approval {state.ApprovalId} at {Format(part.ClaimedAt)}; a claimed approval cannot be declined."),
            _ => CommandDecision.Conflict(state, part, $"'{department}' no longer holds approval {state.ApprovalId}."),
        };
    }

    /// <summary>
    /// The coordinator routes the approval to a department by hand: a new pending part with its own
    /// claim deadline. Open declines and the coordinator's own pending part are thereby dealt with.
    /// Assigning a department that already holds an active part changes nothing.
    /// </summary>
    public static CommandDecision Assign(ApprovalState state, string department, DateTimeOffset now, ClaimPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        if (state.PartOf(department) is { IsActive: true } active)
        {
            return CommandDecision.Unchanged(state, active);
        }

        var settled = state.Parts
            .Where(p => p.Department != department && (p.AwaitsCoordinator || (p.Department == policy.Coordinator && p.Status == ClaimStatus.Pending)))
            .Select(p => p.Status == ClaimStatus.Pending ? p with { Status = ClaimStatus.Assigned, SettledAt = now } : p with { SettledAt = now })
            .ToArray();
        var next = settled.Aggregate(state, (s, p) => s.WithPart(p));
        var part = NewPart(department, $"assigned by the coordinator '{policy.Coordinator}'", now, policy) with { AssignedBy = policy.Coordinator };
        return CommandDecision.Changed(next, part, settled);
    }

    /// <summary>The reminder on the last day: only a part still pending is reminded.</summary>
    public static CommandDecision Remind(ApprovalState state, string department, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.PartOf(department) is { Status: ClaimStatus.Pending } part
            ? CommandDecision.Changed(state, part with { RemindedAt = now })
            : CommandDecision.Unchanged(state, state.PartOf(department));
    }

    /// <summary>The overdue warning (超期未认领): only a part still pending at its deadline is overdue.</summary>
    public static CommandDecision Overdue(ApprovalState state, string department, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.PartOf(department) is { Status: ClaimStatus.Pending, OverdueAt: null } part
            ? CommandDecision.Changed(state, part with { OverdueAt = now })
            : CommandDecision.Unchanged(state, state.PartOf(department));
    }

    private static ApprovalPart NewPart(string department, string reason, DateTimeOffset now, ClaimPolicy policy) => new()
    {
        Department = department,
        Reason = reason,
        RoutedAt = now,
        ClaimDeadline = policy.DeadlineFrom(now),
    };

    private static string Format(DateTimeOffset? instant) =>
        instant is { } i ? Kernel.ChinaTime.ToChina(i).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "an earlier time";
}
