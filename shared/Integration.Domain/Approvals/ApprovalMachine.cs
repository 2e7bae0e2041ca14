using System.Globalization;
using Integration.Domain.Calendar;
using Integration.Domain.Kernel;
using Integration.Domain.Routing;

namespace Integration.Domain.Approvals;

/// <summary>
/// The rules of approval sync and claim ("谁审批、谁推送，谁监管、谁认领") as pure functions of the
/// current state, the input, the time and the <see cref="ClaimPolicy"/> (calendar included). Each
/// command decides everything: the new state and its transition (history entry, notices, claim clocks
/// as rules to start, stop or fire) or why not; <c>ApprovalService</c> only commits it.
/// </summary>
public static class ApprovalMachine
{
    public const string Kind = "approval";

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
            return new(ReceiveOutcome.Created, created, parts, [], null, Received(ReceiveOutcome.Created, created, parts, [], via));
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
        return new(ReceiveOutcome.Updated, updated, added, notified, null, Received(ReceiveOutcome.Updated, updated, added, notified, via));
    }

    /// <summary>Claim by a department the approval was routed to: its own part only; claiming twice changes nothing.</summary>
    public static CommandDecision Claim(ApprovalState state, string department, DateTimeOffset now, ClaimPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        if (state.PartOf(department) is not { } part)
        {
            return CommandDecision.NotRouted(state, department);
        }

        switch (part.Status)
        {
            case ClaimStatus.Pending:
                var claimed = part with { Status = ClaimStatus.Claimed, ClaimedAt = now };
                var next = state.WithPart(claimed);
                return Changed(next, claimed, [], new ApprovalTransition(
                    "approval.claimed",
                    new { department, late = claimed.ClaimedLateOn(policy.Calendar) },
                    [new ApprovalNotice(ApprovalAudience.ApprovalSystem, null, ApprovalSubjects.Claimed, claimed, new ApprovalClaimedDetails(department, now))],
                    [],
                    ApprovalClocks.Names(department),
                    []));
            case ClaimStatus.Claimed:
                return CommandDecision.Unchanged(state, part);
            case ClaimStatus.Declined:
                return CommandDecision.Conflict(state, part,
                    $"'{department}' declined approval {state.ApprovalId} at {Format(part.DeclinedAt)}; only the coordinator can route it to '{department}' again.");
            default:
                return CommandDecision.Conflict(state, part, $"'{department}' has assigned approval {state.ApprovalId} to another department.");
        }
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

        switch (part.Status)
        {
            case ClaimStatus.Pending:
                var declined = part with { Status = ClaimStatus.Declined, DeclinedAt = now, DeclineReason = reason };
                return Changed(state.WithPart(declined), declined, [], new ApprovalTransition(
                    "approval.declined",
                    new { department, reason },
                    [new ApprovalNotice(ApprovalAudience.Department, policy.Coordinator, ApprovalSubjects.Declined, declined, new ApprovalDeclinedDetails(department, reason))],
                    [],
                    ApprovalClocks.Names(department),
                    []));
            case ClaimStatus.Declined:
                return CommandDecision.Unchanged(state, part);
            case ClaimStatus.Claimed:
                return CommandDecision.Conflict(state, part,
                    $"'{department}' claimed approval {state.ApprovalId} at {Format(part.ClaimedAt)}; a claimed approval cannot be declined.");
            default:
                return CommandDecision.Conflict(state, part, $"'{department}' no longer holds approval {state.ApprovalId}.");
        }
    }

    /// <summary>
    /// The coordinator routes the approval to a department by hand: a new pending part with its own
    /// claim clock. Open declines and the coordinator's own pending part are thereby dealt with.
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
        var part = NewPart(department, $"assigned by the coordinator '{policy.Coordinator}'", now, policy) with { AssignedBy = policy.Coordinator };
        var next = settled.Aggregate(state, (s, p) => s.WithPart(p)).WithPart(part);
        return Changed(next, part, settled, new ApprovalTransition(
            "approval.assigned",
            new { department, settled = settled.Select(p => new { department = p.Department, status = p.Status }).ToArray() },
            [
                new ApprovalNotice(ApprovalAudience.Department, department, ApprovalSubjects.Pushed, part, new ApprovalAssignedDetails(policy.Coordinator)),
                new ApprovalNotice(ApprovalAudience.ApprovalSystem, null, ApprovalSubjects.Routed, part, new ApprovalRoutedDetails([department], policy.Coordinator)),
            ],
            ApprovalClocks.For(part),
            settled.Where(p => p.Status == ClaimStatus.Assigned).SelectMany(p => ApprovalClocks.Names(p.Department)).ToArray(),
            []));
    }

    /// <summary>
    /// A claim clock of <paramref name="department"/> came due (<paramref name="action"/>: its reminder or
    /// its overdue warning): a part still pending is reminded or warned, with the coordinator told of the
    /// warning; a part claimed or declined meanwhile changes nothing.
    /// </summary>
    public static CommandDecision OnClock(ApprovalState state, string action, string deadline, string department, DateTimeOffset now, ClaimPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        var decision = action == ApprovalSubjects.ClaimReminder ? Remind(state, department, now, policy) : Overdue(state, department, now, policy);
        return decision.Transition is { } transition ? decision with { Transition = transition with { Fired = [deadline] } } : decision;
    }

    /// <summary>The reminder on the last day: only a part still pending is reminded.</summary>
    public static CommandDecision Remind(ApprovalState state, string department, DateTimeOffset now, ClaimPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        if (state.PartOf(department) is not { Status: ClaimStatus.Pending } part)
        {
            return CommandDecision.Unchanged(state, state.PartOf(department));
        }

        var reminded = part with { RemindedAt = now };
        return Changed(state.WithPart(reminded), reminded, [], ClockTransition(ApprovalSubjects.ClaimReminder, reminded, [new ApprovalNotice(ApprovalAudience.Department, department, ApprovalSubjects.ClaimReminder, reminded)], policy));
    }

    /// <summary>The overdue warning (超期未认领): only a part still pending at its deadline is overdue; the coordinator is told too.</summary>
    public static CommandDecision Overdue(ApprovalState state, string department, DateTimeOffset now, ClaimPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        if (state.PartOf(department) is not { Status: ClaimStatus.Pending, OverdueAt: null } part)
        {
            return CommandDecision.Unchanged(state, state.PartOf(department));
        }

        var warned = part with { OverdueAt = now };
        var notices = new List<ApprovalNotice> { new(ApprovalAudience.Department, department, ApprovalSubjects.ClaimOverdue, warned) };
        if (department != policy.Coordinator)
        {
            notices.Add(new ApprovalNotice(ApprovalAudience.Department, policy.Coordinator, ApprovalSubjects.ClaimOverdue, warned, new ApprovalOverdueDetails(department)));
        }

        return Changed(state.WithPart(warned), warned, [], ClockTransition(ApprovalSubjects.ClaimOverdue, warned, notices, policy));
    }

    private static ApprovalTransition ClockTransition(string action, ApprovalPart part, IReadOnlyList<ApprovalNotice> notices, ClaimPolicy policy) => new(
        action,
        new { department = part.Department, claimDeadline = part.ClaimDeadlineOn(policy.Calendar), notified = notices.Select(n => n.Recipient).OfType<string>().ToArray() },
        notices,
        [],
        [],
        []);

    private static ApprovalTransition Received(ReceiveOutcome outcome, ApprovalState state, IReadOnlyList<ApprovalPart> routed, IReadOnlyList<ApprovalPart> notified, string via)
    {
        var notices = new List<ApprovalNotice>();
        var start = new List<ClockStart>();
        foreach (var part in routed)
        {
            notices.Add(new ApprovalNotice(ApprovalAudience.Department, part.Department, ApprovalSubjects.Pushed, part));
            start.AddRange(ApprovalClocks.For(part));
        }

        var previous = state.Versions.Count > 1 ? state.Versions[^2].Version : (long?)null;
        foreach (var part in notified)
        {
            // 审批结果变更: the departments holding the approval learn that what they supervise changed.
            notices.Add(new ApprovalNotice(ApprovalAudience.Department, part.Department, ApprovalSubjects.Changed, part, new ApprovalChangedDetails(previous, state.Current.Version)));
        }

        if (routed.Count > 0)
        {
            notices.Add(new ApprovalNotice(ApprovalAudience.ApprovalSystem, null, ApprovalSubjects.Routed, null,
                new ApprovalRoutedDetails(routed.Select(p => p.Department).ToArray())));
        }

        var details = new
        {
            version = state.Current.Version,
            previousVersion = previous,
            via,
            routed = routed.Select(p => new { department = p.Department, reason = p.Reason }).ToArray(),
            notified = notified.Select(p => p.Department).ToArray(),
        };
        return new ApprovalTransition(outcome == ReceiveOutcome.Created ? "approval.received" : "approval.version-received", details, notices, start, [], []);
    }

    private static CommandDecision Changed(ApprovalState next, ApprovalPart part, IReadOnlyList<ApprovalPart> settled, ApprovalTransition transition) =>
        new(CommandOutcome.Changed, next, part, null, settled, transition);

    private static ApprovalPart NewPart(string department, string reason, DateTimeOffset now, ClaimPolicy policy) => new()
    {
        Department = department,
        Reason = reason,
        RoutedAt = now,
        ClaimClock = policy.ClockFrom(now),
    };

    private static string Format(DateTimeOffset? instant) =>
        instant is { } i ? ChinaTime.ToChina(i).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "an earlier time";
}

/// <summary>The two claim clocks of each routed part: a reminder at the start of the last working day, and the overdue warning when it ends.</summary>
public static class ApprovalClocks
{
    public static string ClaimDue(string department) => "claim:" + department;

    public static string ClaimReminder(string department) => "claim-reminder:" + department;

    public static string[] Names(string department) => [ClaimReminder(department), ClaimDue(department)];

    public static ClockStart[] For(ApprovalPart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var clock = part.ClaimClock ?? throw new InvalidOperationException($"The part of '{part.Department}' has no claim clock.");
        return
        [
            new(ClaimReminder(part.Department), ApprovalSubjects.ClaimReminder, clock, Reminder: true, part.Department),
            new(ClaimDue(part.Department), ApprovalSubjects.ClaimOverdue, clock, Reminder: false, part.Department),
        ];
    }
}
