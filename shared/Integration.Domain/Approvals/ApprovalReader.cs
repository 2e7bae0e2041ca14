using System.Text.Json;
using System.Text.RegularExpressions;
using Integration.Domain.Identifiers;
using Integration.Domain.Kernel;

namespace Integration.Domain.Approvals;

/// <summary>What an approval record is checked against: the configured catalogue, the municipality and the clock.</summary>
public sealed record ApprovalRules(IReadOnlyCollection<string> Industries, string? MunicipalityRegion, DateTimeOffset Now)
{
    /// <summary>
    /// The prefix every region of the municipality shares: 371000 (a prefecture) → 3710,
    /// 370000 (a province) → 37, a county keeps all six digits.
    /// </summary>
    public string? RegionPrefix => MunicipalityRegion switch
    {
        null or "" => null,
        { Length: 6 } r when r.EndsWith("0000", StringComparison.Ordinal) => r[..2],
        { Length: 6 } r when r.EndsWith("00", StringComparison.Ordinal) => r[..4],
        var r => r,
    };
}

/// <summary>A record read from the approval system's feed: the approval and where it sits in the feed's order.</summary>
public sealed record FeedItem(ApprovalSubmission Submission, DateTimeOffset UpdatedAt);

/// <summary>
/// Reads an approval record from JSON, collecting every invalid field. The same reading serves the
/// push endpoint (a 400 listing the fields) and the pull connector (a quarantine entry with the reasons).
/// </summary>
public static partial class ApprovalReader
{
    public const int MaxIdLength = RecordId.MaxLength;

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Ids become record keys, so only characters every table store accepts in a key are allowed.</summary>
    public static bool IsValidId(string? approvalId) => RecordId.IsValid(approvalId);

    public static ApprovalSubmission? Read(JsonElement json, ApprovalRules rules, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(errors);
        return Read(new JsonFields(json, errors), rules);
    }

    /// <summary>A feed item is an approval record plus <c>updatedAt</c>, the instant the feed is ordered by.</summary>
    public static FeedItem? ReadFeedItem(JsonElement json, ApprovalRules rules, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(errors);
        var fields = new JsonFields(json, errors);
        var submission = Read(fields, rules);
        var updatedAt = fields.Instant("updatedAt");
        return submission is not null && updatedAt is { } u && errors.IsEmpty ? new FeedItem(submission, u) : null;
    }

    private static ApprovalSubmission? Read(JsonFields f, ApprovalRules rules)
    {
        var approvalId = f.String("approvalId", maxLength: MaxIdLength);
        if (approvalId is not null && !IsValidId(approvalId))
        {
            f.Add("approvalId", $"{TextRules.Echo(approvalId)} {RecordId.Rule}.");
            approvalId = null;
        }

        var version = f.Integer("version", 1, int.MaxValue);
        var projectCode = f.String("projectCode", maxLength: 24);
        if (projectCode is not null && ProjectCode.Problem(projectCode, ChinaTime.DateOf(rules.Now).Year) is { } projectProblem)
        {
            f.Add("projectCode", projectProblem);
            projectCode = null;
        }

        var projectName = f.String("projectName", maxLength: 200);
        var regionCode = f.String("regionCode", maxLength: 6);
        if (regionCode is not null)
        {
            if (RegionCode.Problem(regionCode) is { } regionProblem)
            {
                f.Add("regionCode", regionProblem);
                regionCode = null;
            }
            else if (rules.RegionPrefix is { } prefix && !regionCode.StartsWith(prefix, StringComparison.Ordinal))
            {
                f.Add("regionCode", $"'{regionCode}' is outside the municipality ({rules.MunicipalityRegion}).");
                regionCode = null;
            }
        }

        // An industry the catalogue does not (yet) list is kept: the approval is routed to the coordinator
        // and flagged, so no approval falls out of supervision because the catalogue is behind the source.
        var industry = f.String("industry", maxLength: 64);
        var kind = f.OneOf("approvalKind", ApprovalVocabulary.Kinds);
        var approvedAt = f.Instant("approvedAt");
        if (approvedAt is { } at && at > rules.Now + ClockSkew)
        {
            f.Add("approvedAt", $"'{at:O}' is in the future.");
            approvedAt = null;
        }

        var authority = f.String("authority", maxLength: 100);
        var owner = f.Object("owner", ReadOwner);
        var investment = f.Decimal("investment", 0m);
        var tendering = f.Object("tendering", ReadTendering);

        if (!f.Errors.IsEmpty || approvalId is null || version is null || projectCode is null || projectName is null || regionCode is null
            || industry is null || kind is null || approvedAt is null || authority is null || owner is null || investment is null || tendering is null)
        {
            return null;
        }

        return new ApprovalSubmission(approvalId, version.Value, projectCode, projectName, regionCode, industry, kind,
            ChinaTime.ToChina(approvedAt.Value), authority, owner, investment.Value, tendering);
    }

    private static ApprovalOwner? ReadOwner(JsonFields f)
    {
        var name = f.String("name", maxLength: 200);
        var creditCode = f.String("creditCode", maxLength: 18 * 2);
        if (creditCode is not null && CreditCode.Problem(creditCode) is { } problem)
        {
            f.Add("creditCode", problem);
            creditCode = null;
        }

        return name is null || creditCode is null ? null : new ApprovalOwner(name, creditCode);
    }

    private static TenderingPlan? ReadTendering(JsonFields f)
    {
        var method = f.OneOf("method", ApprovalVocabulary.Methods);
        var exempt = method == ApprovalVocabulary.Exempt;
        var scope = f.StringSet("scope", ApprovalVocabulary.Scopes, required: false);
        if (!exempt && method is not null && scope.Count == 0 && !HasErrorsAt(f, "scope"))
        {
            f.Add("scope", "Required: at least one of " + string.Join(", ", ApprovalVocabulary.Scopes) + " unless the method is exempt.");
        }

        // An exempt project runs no tender, so it has no organisation form; every tendered one has.
        var organization = f.OneOf("organization", ApprovalVocabulary.Organizations, required: !exempt && method is not null);
        string? exemptReason = null;
        if (exempt)
        {
            exemptReason = f.String("exemptReason", maxLength: 500);
        }
        else if (f.Has("exemptReason") && method is not null)
        {
            f.Add("exemptReason", "Only an exempt method (不招标) has an exempt reason.");
        }

        return method is null || (!exempt && organization is null) || (exempt && exemptReason is null)
            ? null
            : new TenderingPlan(scope, method, organization, exemptReason);
    }

    private static bool HasErrorsAt(JsonFields f, string name) =>
        f.Errors.ToDictionary().Keys.Any(k => k == f.Path(name) || k.StartsWith(f.Path(name) + "[", StringComparison.Ordinal));
}
