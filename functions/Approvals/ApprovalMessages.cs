using Integration.Domain.Approvals;
using Integration.Domain.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Approvals;

/// <summary>
/// The topics of the approval flow and the messages it publishes. Departments' systems each read
/// their own subscription of <see cref="Approvals"/>; the approval system reads <see cref="Feedback"/>
/// (双告知、双反馈).
/// </summary>
public static class ApprovalMessages
{
    public const string Approvals = "approvals";
    public const string Feedback = "approval-feedback";
    public const string FeedbackSubscription = "approval-system";
    public const string DepartmentProperty = "department";

    public const string Pushed = "approval.pushed";
    public const string Changed = "approval.changed";
    public const string ClaimReminder = "approval.claim-reminder";
    public const string ClaimOverdue = "approval.claim-overdue";
    public const string Declined = "approval.declined";
    public const string Routed = "approval.routed";
    public const string Claimed = "approval.claimed";

    /// <summary>
    /// One subscription per department on <see cref="Approvals"/>, each filtered on its own id so it
    /// receives only its own; one match-all subscription for the approval system on <see cref="Feedback"/>.
    /// </summary>
    public static IReadOnlyList<TopicDefinition> Topics(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return
        [
            new TopicDefinition
            {
                Name = Approvals,
                Subscriptions = registry.All
                    .Where(p => p.Has(PrincipalRole.Department))
                    .OrderBy(p => p.Id, StringComparer.Ordinal)
                    .Select(p => new SubscriptionDefinition { Name = p.Id, Filters = [CorrelationFilter.Property(DepartmentProperty, p.Id)] })
                    .ToArray(),
            },
            new TopicDefinition
            {
                Name = Feedback,
                Subscriptions = [new SubscriptionDefinition { Name = FeedbackSubscription }],
            },
        ];
    }

    /// <summary>A message to one department's subscription; <paramref name="part"/> is the part it is about (its own, or an overdue one for the coordinator).</summary>
    public static OutboundMessage ToDepartment(string subject, string department, ApprovalState state, ApprovalPart? part, object? details = null) =>
        new(Approvals, subject, Body(state, department, part, details), Properties(state, department));

    /// <summary>Feedback to the approval system: who was routed, who claimed.</summary>
    public static OutboundMessage ToApprovalSystem(string subject, ApprovalState state, ApprovalPart? part, object? details = null) =>
        new(Feedback, subject, Body(state, FeedbackSubscription, part, details), Properties(state, part?.Department));

    private static Dictionary<string, string> Properties(ApprovalState state, string? department)
    {
        var properties = new Dictionary<string, string> { ["approvalId"] = state.ApprovalId, ["projectCode"] = state.Current.ProjectCode };
        if (department is not null)
        {
            properties[DepartmentProperty] = department;
        }

        return properties;
    }

    private static Dictionary<string, object?> Body(ApprovalState state, string to, ApprovalPart? part, object? details)
    {
        var current = state.Current;
        return new Dictionary<string, object?>
        {
            ["to"] = to,
            ["approvalId"] = state.ApprovalId,
            ["version"] = current.Version,
            ["projectCode"] = current.ProjectCode,
            ["projectName"] = current.ProjectName,
            ["industry"] = current.Industry,
            ["regionCode"] = current.RegionCode,
            ["tenderMethod"] = current.Tendering.Method,
            ["part"] = part is null ? null : new
            {
                department = part.Department,
                reason = part.Reason,
                status = part.Status,
                claimDeadline = ApprovalResponses.ToResponse(part.ClaimDeadline),
                claimedAt = part.ClaimedAt,
            },
            ["details"] = details,
            ["link"] = $"/api/approvals/{state.ApprovalId}",
        };
    }
}
