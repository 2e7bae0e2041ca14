using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
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
    public const string DepartmentProperty = TopicDefinition.RecipientProperty;

    public const string Pushed = ApprovalSubjects.Pushed;
    public const string Changed = ApprovalSubjects.Changed;
    public const string ClaimReminder = ApprovalSubjects.ClaimReminder;
    public const string ClaimOverdue = ApprovalSubjects.ClaimOverdue;
    public const string Declined = ApprovalSubjects.Declined;
    public const string Routed = ApprovalSubjects.Routed;
    public const string Claimed = ApprovalSubjects.Claimed;

    /// <summary>
    /// One subscription per department on <see cref="Approvals"/>, each filtered on its own id so it
    /// receives only its own; one match-all subscription for the approval system on <see cref="Feedback"/>.
    /// </summary>
    public static IReadOnlyList<TopicDefinition> Topics(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return
        [
            TopicDefinition.PerPrincipal(Approvals, registry.All.Where(p => p.Has(PrincipalRole.Department)).OrderBy(p => p.Id, StringComparer.Ordinal)),
            new TopicDefinition
            {
                Name = Feedback,
                Subscriptions = [new SubscriptionDefinition { Name = FeedbackSubscription }],
            },
        ];
    }

    /// <summary>The message a notice becomes, its claim deadline counted on <paramref name="calendar"/> (the one loaded when it is sent).</summary>
    public static OutboundMessage From(ApprovalNotice notice, ApprovalState state, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(state);
        var toDepartment = notice.Audience == ApprovalAudience.Department;
        var to = toDepartment ? notice.Recipient ?? throw new InvalidOperationException($"A {notice.Subject} notice to a department names none.") : FeedbackSubscription;
        return new OutboundMessage(
            toDepartment ? Approvals : Feedback,
            notice.Subject,
            Body(state, to, notice.Part, notice.Details, calendar),
            Properties(state, toDepartment ? to : notice.Part?.Department));
    }

    private static Dictionary<string, string> Properties(ApprovalState state, string? department)
    {
        var properties = new Dictionary<string, string> { ["approvalId"] = state.ApprovalId, ["projectCode"] = state.Current.ProjectCode };
        if (department is not null)
        {
            properties[DepartmentProperty] = department;
        }

        return properties;
    }

    private static ApprovalMessage Body(ApprovalState state, string to, ApprovalPart? part, object? details, WorkingDayCalendar calendar)
    {
        var current = state.Current;
        return new ApprovalMessage(
            to,
            state.ApprovalId,
            current.Version,
            current.ProjectCode,
            current.ProjectName,
            current.Industry,
            current.RegionCode,
            current.Tendering.Method,
            part is null ? null : new ApprovalPartMessage(part.Department, part.Reason, part.Status, ApprovalResponses.ToResponse(part.ClaimDeadlineOn(calendar)), part.ClaimedAt),
            details,
            $"/api/approvals/{state.ApprovalId}");
    }
}

/// <summary>
/// The body of every approval message: the approval as departments identify it, the part it is about,
/// and the subject's details (one of the <c>Approval…Details</c> records of the domain, or none).
/// </summary>
public sealed record ApprovalMessage(
    string To,
    string ApprovalId,
    long Version,
    string ProjectCode,
    string ProjectName,
    string Industry,
    string RegionCode,
    string TenderMethod,
    ApprovalPartMessage? Part,
    object? Details,
    string Link);

/// <summary>A department's part as a message shows it: the claim deadline counted when the message is sent.</summary>
public sealed record ApprovalPartMessage(string Department, string Reason, ClaimStatus Status, ApprovalResponses.ClaimDeadlineResponse ClaimDeadline, DateTimeOffset? ClaimedAt);
