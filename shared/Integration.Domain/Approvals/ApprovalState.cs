using System.Text.Json.Serialization;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;

namespace Integration.Domain.Approvals;

/// <summary>Where one department's part of an approval stands.</summary>
public enum ClaimStatus
{
    /// <summary>Routed to the department, not yet claimed.</summary>
    Pending,

    /// <summary>The department supervises this approval ("谁监管、谁认领").</summary>
    Claimed,

    /// <summary>The department says it is not competent; the coordinator decides.</summary>
    Declined,

    /// <summary>The coordinator's own part, handed on to another department.</summary>
    Assigned,
}

/// <summary>
/// A claim deadline as records stored before claim clocks were kept as rules hold it: a snapshot of
/// the count at routing time, read only for those parts.
/// </summary>
public sealed record ClaimDeadline(DateOnly Deadline, DateTimeOffset DueAt, bool Provisional);

/// <summary>One department's part of an approval: routed, then claimed or declined. Several competent departments each hold their own.</summary>
public sealed record ApprovalPart
{
    public required string Department { get; init; }

    /// <summary>Why it went to this department: the responsibility-list line, or the coordinator's assignment.</summary>
    public required string Reason { get; init; }

    public required DateTimeOffset RoutedAt { get; init; }

    /// <summary>"Claim within N working days of routing", counted on the current calendar wherever it is shown.</summary>
    public ClockBasis? ClaimClock { get; init; }

    /// <summary>Only on parts stored before <see cref="ClaimClock"/> existed; never written now.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ClaimDeadline? ClaimDeadline { get; init; }

    public ClaimStatus Status { get; init; } = ClaimStatus.Pending;

    /// <summary>The coordinator that assigned this part by hand, when it did.</summary>
    public string? AssignedBy { get; init; }

    public DateTimeOffset? ClaimedAt { get; init; }

    /// <summary>Claimed after the claim deadline, as counted on <paramref name="calendar"/>.</summary>
    public bool ClaimedLateOn(WorkingDayCalendar calendar) => ClaimedAt is { } at && at >= ClaimDeadlineOn(calendar).DueAt;

    public DateTimeOffset? DeclinedAt { get; init; }

    public string? DeclineReason { get; init; }

    public DateTimeOffset? RemindedAt { get; init; }

    /// <summary>When the overdue warning (超期未认领) went out.</summary>
    public DateTimeOffset? OverdueAt { get; init; }

    /// <summary>When the coordinator dealt with this declined (or its own) part by assigning the approval.</summary>
    public DateTimeOffset? SettledAt { get; init; }

    public bool IsActive => Status is ClaimStatus.Pending or ClaimStatus.Claimed;

    /// <summary>Declined and not yet dealt with by the coordinator.</summary>
    public bool AwaitsCoordinator => Status == ClaimStatus.Declined && SettledAt is null;

    /// <summary>The claim deadline on <paramref name="calendar"/>: the rule counted now, or the snapshot of a part stored before rules were kept.</summary>
    public WorkingDayDeadline ClaimDeadlineOn(WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (ClaimClock is { } clock)
        {
            return clock.On(calendar);
        }

        var snapshot = ClaimDeadline ?? throw new InvalidOperationException($"The part of '{Department}' has no claim clock.");
        return new WorkingDayDeadline(Kernel.ChinaTime.DateOf(RoutedAt), 0, snapshot.Deadline, snapshot.DueAt, snapshot.Provisional);
    }

    /// <summary>
    /// When this pending part counts as overdue: the warning went out, or the deadline has passed
    /// though the warning has not been handled yet.
    /// </summary>
    public DateTimeOffset EffectiveDueAt(WorkingDayCalendar calendar)
    {
        var due = ClaimDeadlineOn(calendar).DueAt;
        return OverdueAt is { } warned && warned < due ? warned : due;
    }

    public bool IsOverdue(DateTimeOffset now, WorkingDayCalendar calendar) => Status == ClaimStatus.Pending && now >= EffectiveDueAt(calendar);

    /// <summary>pending, overdue, claimed, declined or assigned.</summary>
    public string StatusAt(DateTimeOffset now, WorkingDayCalendar calendar) => Status switch
    {
        ClaimStatus.Pending => IsOverdue(now, calendar) ? ApprovalStatus.Overdue : ApprovalStatus.Pending,
        ClaimStatus.Claimed => ApprovalStatus.Claimed,
        ClaimStatus.Declined => ApprovalStatus.Declined,
        _ => ApprovalStatus.Assigned,
    };
}

/// <summary>One stored version of the approval, with how it came in.</summary>
public sealed record ApprovalVersion(long Version, DateTimeOffset ReceivedAt, string Via, string Fingerprint, DateTimeOffset? UpdatedAt, ApprovalSubmission Submission);

/// <summary>The names of the statuses the API shows and filters by.</summary>
public static class ApprovalStatus
{
    public const string Pending = "pending";
    public const string Claimed = "claimed";
    public const string Overdue = "overdue";
    public const string Declined = "declined";
    public const string Assigned = "assigned";

    /// <summary>The statuses a listing can be filtered by.</summary>
    public static readonly IReadOnlyList<string> Filters = [Pending, Claimed, Overdue, Declined];
}

/// <summary>An approval as the platform holds it: every version received, and each competent department's part.</summary>
public sealed record ApprovalState
{
    public required string ApprovalId { get; init; }

    /// <summary>The newest version received.</summary>
    public required ApprovalSubmission Current { get; init; }

    /// <summary>When the platform first received the approval (the push from which claim deadlines count).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    public IReadOnlyList<ApprovalVersion> Versions { get; init; } = [];

    public IReadOnlyList<ApprovalPart> Parts { get; init; } = [];

    public ApprovalPart? PartOf(string department) => Parts.FirstOrDefault(p => p.Department == department);

    public IReadOnlyList<string> ClaimedBy => Parts.Where(p => p.Status == ClaimStatus.Claimed).Select(p => p.Department).ToArray();

    /// <summary>
    /// The approval's one status, most urgent first: declined (a decline awaits the coordinator),
    /// overdue (a part is past its claim deadline), pending (a part is unclaimed), else claimed.
    /// </summary>
    public string StatusAt(DateTimeOffset now, WorkingDayCalendar calendar) => StatusOf(Parts, now, calendar);

    public static string StatusOf(IReadOnlyList<ApprovalPart> parts, DateTimeOffset now, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return parts.Any(p => p.AwaitsCoordinator) ? ApprovalStatus.Declined
            : parts.Any(p => p.IsOverdue(now, calendar)) ? ApprovalStatus.Overdue
            : parts.Any(p => p.Status == ClaimStatus.Pending) ? ApprovalStatus.Pending
            : ApprovalStatus.Claimed;
    }

    /// <summary>Departments see what was routed to them; coordinators, admins and the source system see everything.</summary>
    public bool IsVisibleTo(Principal principal, string sourceSystem)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.MayRead(Parties(sourceSystem));
    }

    /// <summary>Who an approval concerns: the system that sent it and every department it went to.</summary>
    public IEnumerable<string> Parties(string sourceSystem) => [sourceSystem, .. Parts.Select(p => p.Department)];

    internal ApprovalState WithPart(ApprovalPart part) => this with
    {
        Parts = Parts.Any(p => p.Department == part.Department)
            ? Parts.Select(p => p.Department == part.Department ? part : p).ToArray()
            : [.. Parts, part],
    };
}
