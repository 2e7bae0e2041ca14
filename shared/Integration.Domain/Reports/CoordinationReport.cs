namespace Integration.Domain.Reports;

/// <summary>Approval parts routed to a department whose push falls in the period, and what became of them by <c>asOf</c>.</summary>
public sealed record ApprovalCounts(int Routed, int Claimed, int ClaimedOnTime, int Overdue, int Declined, int Reassigned, decimal? OnTimeRate);

/// <summary>Lead parts relayed to a department in the period, and what became of them by <c>asOf</c>.</summary>
public sealed record LeadCounts(int Received, int Receipted, int Returned, int ReturnedOnTime, int Results, int FeedbackOnTime, int Open, decimal? OnTimeRate);

/// <summary>
/// Joint-enforcement plans created in the period (initiated, participated, published) and tasks dispatched in it, and
/// what became of them by <c>asOf</c>. The municipality counts each plan and task once; its <c>plansParticipated</c> is
/// the number of participations (plan × participating department).
/// </summary>
public sealed record EnforcementCounts(
    int PlansInitiated,
    int PlansParticipated,
    int TasksAssigned,
    int TasksCompleted,
    int TasksCompletedOnTime,
    int TasksOverdue,
    int Published,
    int PublishedOnTime,
    int PublicationOverdue,
    decimal? OnTimeRate);

/// <summary>Something still not done at <c>asOf</c> after its deadline: <c>kind</c> approval, lead, task or plan, the step (claim, feedback, result, publication), by how many working days.</summary>
public sealed record OverdueItem(string Kind, string Id, string Step, DateOnly Deadline, int WorkingDaysLate);

public sealed record DepartmentSection(
    string Department, ApprovalCounts Approvals, LeadCounts Leads, EnforcementCounts Enforcement, decimal? OnTimeRate, IReadOnlyList<OverdueItem> OverdueItems,
    ActionItemCounts? ActionItems = null);

public sealed record MunicipalitySection(ApprovalCounts Approvals, LeadCounts Leads, EnforcementCounts Enforcement, decimal? OnTimeRate, ActionItemCounts? ActionItems = null);

/// <summary>
/// The coordination meetings' action items an owner department had during the period (assigned before its end and not
/// closed before its start), and what became of them by <c>asOf</c>: <c>open</c> counts the overdue ones too.
/// </summary>
public sealed record ActionItemCounts(int Open, int Closed, int ClosedOnTime, int Overdue);

/// <summary>A department named in the report (通报) because its on-time rate is below the municipality's threshold.</summary>
public sealed record NamedDepartment(string Department, decimal OnTimeRate);

/// <summary>
/// The coordination report of one period and version, everything but when it was generated: its SHA-256 is over this
/// content, so the same records, period and version give the same hash.
/// </summary>
public sealed record ReportContent(
    string Period,
    int Version,
    int? Supersedes,
    bool Partial,
    DateTimeOffset AsOf,
    DateOnly From,
    DateOnly To,
    decimal NamedBelowRate,
    MunicipalitySection Municipality,
    IReadOnlyList<DepartmentSection> Departments,
    IReadOnlyList<NamedDepartment> Named);
