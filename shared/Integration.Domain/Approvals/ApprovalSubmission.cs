using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integration.Domain.Audit;

namespace Integration.Domain.Approvals;

/// <summary>The closed vocabularies of an approval record, as the approval system sends them.</summary>
public static class ApprovalVocabulary
{
    public const string Exempt = "exempt";

    /// <summary>审批 (approval), 核准 (confirmation), 备案 (filing).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["approval", "confirmation", "filing"];

    /// <summary>勘察, 设计, 施工, 监理, 重要设备, 材料.</summary>
    public static readonly IReadOnlyList<string> Scopes = ["survey", "design", "construction", "supervision", "equipment", "materials"];

    /// <summary>公开招标, 邀请招标, 不招标.</summary>
    public static readonly IReadOnlyList<string> Methods = ["open", "invited", Exempt];

    /// <summary>自行招标, 委托招标.</summary>
    public static readonly IReadOnlyList<string> Organizations = ["self", "agency"];
}

public sealed record ApprovalOwner(string Name, string CreditCode);

/// <summary>The approved tender plan: scope, method and organisation form (招标范围、招标方式、招标组织形式).</summary>
public sealed record TenderingPlan(IReadOnlyList<string> Scope, string Method, string? Organization, string? ExemptReason)
{
    public bool IsExempt => Method == ApprovalVocabulary.Exempt;
}

/// <summary>
/// One version of an approval record as the approval system publishes it (pushed or pulled).
/// <see cref="Version"/> rises with each change the approval system makes.
/// </summary>
public sealed record ApprovalSubmission(
    string ApprovalId,
    long Version,
    string ProjectCode,
    string ProjectName,
    string RegionCode,
    string Industry,
    string ApprovalKind,
    DateTimeOffset ApprovedAt,
    string Authority,
    ApprovalOwner Owner,
    decimal Investment,
    TenderingPlan Tendering)
{
    private static readonly JsonSerializerOptions FingerprintOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// SHA-256 of the canonical JSON of the content. Two deliveries of one version must carry the
    /// same fingerprint; a different one means the source changed a version it had already published.
    /// </summary>
    public string Fingerprint()
    {
        var canonical = CanonicalJson.Serialize(JsonSerializer.SerializeToNode(this, FingerprintOptions));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
