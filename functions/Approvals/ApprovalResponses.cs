using System.Globalization;
using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Functions.Audit;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Approvals;

/// <summary>The shapes the approval endpoints answer with.</summary>
public static class ApprovalResponses
{
    /// <summary>The calendar's deadline semantics: the last day to claim, the instant it is missed, and whether the count is provisional.</summary>
    public sealed record ClaimDeadlineResponse(string Deadline, DateTimeOffset DueAt, bool Provisional);

    public sealed record ClaimSummary(string Department, string Status, ClaimDeadlineResponse ClaimDeadline, DateTimeOffset? ClaimedAt);

    public sealed record ClaimResponse(
        string Department,
        string DisplayName,
        string Status,
        string Reason,
        DateTimeOffset RoutedAt,
        string? AssignedBy,
        ClaimDeadlineResponse ClaimDeadline,
        DateTimeOffset? ClaimedAt,
        bool ClaimedLate,
        DateTimeOffset? DeclinedAt,
        string? DeclineReason,
        DateTimeOffset? RemindedAt,
        DateTimeOffset? OverdueAt,
        DateTimeOffset? SettledAt);

    public sealed record RouteResponse(string Department, string DisplayName, string Reason, DateTimeOffset RoutedAt, string? AssignedBy);

    public sealed record VersionResponse(long Version, DateTimeOffset ReceivedAt, string Via, DateTimeOffset? UpdatedAt, string Fingerprint, ApprovalSubmission Data);

    public sealed record DeadlineResponse(string Name, string Action, string? Department, DateTimeOffset DueAt, string Status, bool Provisional);

    public sealed record ApprovalResponse(
        string ApprovalId,
        string Status,
        long Version,
        bool IndustryKnown,
        DateTimeOffset ReceivedAt,
        ClaimDeadlineResponse? ClaimDeadline,
        ApprovalSubmission Current,
        IReadOnlyList<VersionResponse> Versions,
        IReadOnlyList<RouteResponse> Routing,
        IReadOnlyList<ClaimResponse> Claims,
        IReadOnlyList<DeadlineResponse> Deadlines,
        IReadOnlyList<AuditFunctions.EntryResponse> History);

    public sealed record ApprovalSummary(
        string ApprovalId,
        long Version,
        string ProjectCode,
        string ProjectName,
        string Industry,
        bool IndustryKnown,
        string RegionCode,
        string ApprovalKind,
        string TenderMethod,
        DateTimeOffset ReceivedAt,
        string Status,
        ClaimDeadlineResponse? ClaimDeadline,
        IReadOnlyList<ClaimSummary> Claims);

    public sealed record ListResponse(IReadOnlyList<ApprovalSummary> Items, string? NextPageToken);

    /// <summary>What a push did: created, updated, duplicate (stored before) or stale (older than the stored version).</summary>
    public sealed record PushResponse(string ApprovalId, long Version, string Outcome, long CurrentVersion, string Status, IReadOnlyList<ClaimSummary> Claims, string? Detail);

    /// <summary>What a claim, decline or assignment did: <c>changed</c> or <c>unchanged</c>, and the part as it now stands.</summary>
    public sealed record CommandResponse(string ApprovalId, string Outcome, string Status, ClaimResponse Claim);

    public static ClaimDeadlineResponse ToResponse(WorkingDayDeadline deadline)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        return new(deadline.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ChinaTime.ToChina(deadline.DueAt), deadline.Provisional);
    }

    public static ClaimSummary ToSummary(ApprovalPart part, DateTimeOffset now, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(part);
        return new(part.Department, part.StatusAt(now, calendar), ToResponse(part.ClaimDeadlineOn(calendar)), part.ClaimedAt);
    }

    public static ClaimResponse ToResponse(ApprovalPart part, PrincipalRegistry registry, DateTimeOffset now, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(registry);
        return new(part.Department, registry.Find(part.Department)?.DisplayName ?? part.Department, part.StatusAt(now, calendar), part.Reason, part.RoutedAt, part.AssignedBy,
            ToResponse(part.ClaimDeadlineOn(calendar)), part.ClaimedAt, part.ClaimedLateOn(calendar), part.DeclinedAt, part.DeclineReason, part.RemindedAt, part.OverdueAt, part.SettledAt);
    }

    /// <summary>
    /// The claim deadline that matters to <paramref name="viewer"/>: its own part's, or for those who see
    /// everything the earliest of the parts still waiting to be claimed; counted on <paramref name="calendar"/>.
    /// </summary>
    public static WorkingDayDeadline? DeadlineFor(IReadOnlyList<ApprovalPart> parts, string? viewer, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (viewer is not null && parts.FirstOrDefault(p => p.Department == viewer) is { } own)
        {
            return own.ClaimDeadlineOn(calendar);
        }

        return parts.Where(p => p.Status == ClaimStatus.Pending).Select(p => p.ClaimDeadlineOn(calendar)).OrderBy(d => d.DueAt).FirstOrDefault();
    }

    /// <param name="isKnownIndustry">The catalogue as it is now: an approval received before its industry was added is no longer flagged.</param>
    public static ApprovalResponse ToResponse(
        Record<ApprovalState> record,
        IReadOnlyList<Domain.Audit.AuditEntry> history,
        Principal viewer,
        PrincipalRegistry registry,
        DateTimeOffset now,
        WorkingDayCalendar calendar,
        Func<string, bool> isKnownIndustry)
    {
        ArgumentNullException.ThrowIfNull(isKnownIndustry);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(viewer);
        var state = record.State;
        var deadline = DeadlineFor(state.Parts, viewer.Id, calendar);
        return new(
            state.ApprovalId,
            state.StatusAt(now, calendar),
            state.Current.Version,
            isKnownIndustry(state.Current.Industry),
            state.ReceivedAt,
            deadline is null ? null : ToResponse(deadline),
            state.Current,
            state.Versions.Select(v => new VersionResponse(v.Version, v.ReceivedAt, v.Via, v.UpdatedAt, v.Fingerprint, v.Submission)).ToArray(),
            state.Parts.Select(p => new RouteResponse(p.Department, registry.Find(p.Department)?.DisplayName ?? p.Department, p.Reason, p.RoutedAt, p.AssignedBy)).ToArray(),
            state.Parts.Select(p => ToResponse(p, registry, now, calendar)).ToArray(),
            record.Deadlines.Select(d => new DeadlineResponse(d.Name, d.Action, d.Data, ChinaTime.ToChina(d.DueAt), d.Status.ToString().ToLowerInvariant(), d.Provisional)).ToArray(),
            history.Select(AuditFunctions.ToResponse).ToArray());
    }
}
