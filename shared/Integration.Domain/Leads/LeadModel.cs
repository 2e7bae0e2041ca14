using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Integration.Domain.Audit;
using Integration.Domain.Calendar;

namespace Integration.Domain.Leads;

/// <summary>The closed vocabularies of a lead (线索).</summary>
public static class LeadVocabulary
{
    /// <summary>围标串标, 弄虚作假, 规避招标, 转包违法分包, other.</summary>
    public static readonly IReadOnlyList<string> Categories = ["bid-rigging", "fraud", "evading-tender", "illegal-subcontracting", "other"];

    /// <summary>招标人, 投标人, 招标代理机构, other.</summary>
    public static readonly IReadOnlyList<string> PartyRoles = ["tenderer", "bidder", "agency", "other"];

    /// <summary>How the trading centre came to know: a whistle-blower (举报), a complaint (投诉), its e-supervision warnings, on-site supervision, other.</summary>
    public static readonly IReadOnlyList<string> SourceChannels = ["whistle-blower", "complaint", "e-supervision", "on-site", "other"];

    /// <summary>行政处罚, 未发现违法, 移送其他机关, 刑事立案.</summary>
    public static readonly IReadOnlyList<string> Outcomes = ["penalty", "no-violation", "transferred", "criminal-case"];

    /// <summary>Seed 000 §(八): bid rigging and fraud go to police at the same time, as does anything suspected to be a crime.</summary>
    public static bool GoesToPolice(string category, bool suspectedCrime) =>
        suspectedCrime || category is "bid-rigging" or "fraud";
}

public sealed record LeadParty(string Name, string CreditCode, string Role);

/// <summary>One item of the material catalogue (移送材料目录), identified by its content hash.</summary>
public sealed record LeadEvidence(string Name, string Sha256, string Uri);

/// <summary>
/// Where a lead came from. Everything but <see cref="Channel"/> identifies a person (举报人) and is
/// confidential (seed 001 §(九)): it is stored, shown to the coordinator and the operator, and
/// never copied into a message, a history entry or a log line.
/// </summary>
public sealed record LeadSource(string Channel, string? Name, string? IdNumber, string? Phone, string? Email, string? Organization, string? Note);

/// <summary>
/// A lead that did not come from the trading centre but from a joint-enforcement finding: the plan, the task and the
/// finding's index in the task's result. One finding becomes at most one lead.
/// </summary>
public sealed record LeadOrigin(string PlanId, string TaskId, int Finding)
{
    public string Kind => "enforcement-finding";
}

/// <summary>A lead as the trading centre submitted it, validated.</summary>
public sealed record LeadSubmission(
    string LeadId,
    DateTimeOffset DiscoveredAt,
    string ProjectCode,
    string? TenderId,
    string Category,
    string? Industry,
    string Summary,
    IReadOnlyList<LeadParty> Parties,
    IReadOnlyList<LeadEvidence> Evidence,
    bool SuspectedCrime,
    LeadSource? Source)
{
    /// <summary>The GB/T 2260 division inside the project code, used to narrow the responsibility list.</summary>
    [JsonIgnore]
    public string RegionCode => ProjectCode.Substring(5, 6);

    /// <summary>
    /// SHA-256 over the canonical JSON of the submission, the instant in UTC: the same lead sent twice,
    /// however its JSON is laid out, has one fingerprint, so a repeat is recognised and a changed body is not.
    /// </summary>
    public string Fingerprint()
    {
        var node = JsonSerializer.SerializeToNode(this with { DiscoveredAt = DiscoveredAt.ToUniversalTime() }, FingerprintOptions);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(node))));
    }

    private static readonly JsonSerializerOptions FingerprintOptions = new(JsonSerializerDefaults.Web);
}

public enum RecipientRole
{
    /// <summary>A competent supervisory department (招标投标行政监督部门), or the coordinator handling it itself.</summary>
    Supervisor,

    /// <summary>Police, receiving bid-rigging, fraud and suspected crimes alongside the supervisor.</summary>
    Police,
}

public enum RecipientStatus
{
    Relayed,
    Received,
    Returned,

    /// <summary>Handling has ended (处理完毕); the result is due within the feedback clock.</summary>
    Handled,
    FedBack,
}

public enum LeadStatus
{
    /// <summary>No competent department holds the lead: the coordinator must route it.</summary>
    AwaitingRoute,
    Relayed,
    Received,
    Handled,

    /// <summary>Every department holding the lead has fed its result back.</summary>
    Closed,
}

/// <summary>The signed transfer receipt (移送回执): what the recipient received, and what of the catalogue it did not.</summary>
public sealed record LeadReceipt(DateTimeOffset SignedAt, string SignedBy, IReadOnlyList<LeadEvidence> Materials, IReadOnlyList<LeadEvidence> Missing, string? Note);

public sealed record LeadReturn(DateTimeOffset At, string Reason, Lateness Lateness);

public sealed record LeadResult(string Outcome, string Decision, DateTimeOffset CompletedAt, DateTimeOffset ReportedAt, Lateness Lateness);

/// <summary>One department's part of a lead. A department routed to again after a return gets a new part.</summary>
public sealed record Recipient
{
    public required string Department { get; init; }

    public required RecipientRole Role { get; init; }

    /// <summary>Why it went there: the claim, the responsibility line, the coordinator's choice.</summary>
    public required string Reason { get; init; }

    public required RecipientStatus Status { get; init; }

    public required DateTimeOffset RelayedAt { get; init; }

    /// <summary>The clock the relay was measured against.</summary>
    public required ClockBasis RelayClock { get; init; }

    public required Lateness RelayLateness { get; init; }

    public LeadReceipt? Receipt { get; init; }

    public ClockBasis? ReturnClock { get; init; }

    public DateTimeOffset? ReturnWindowClosedAt { get; init; }

    public LeadReturn? Return { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public ClockBasis? FeedbackClock { get; init; }

    public DateTimeOffset? FeedbackOverdueAt { get; init; }

    public LeadResult? Result { get; init; }

    [JsonIgnore]
    public bool IsActive => Status != RecipientStatus.Returned;
}

/// <summary>The coordinator must route the lead: nobody competent was found, or the competent department returned it.</summary>
public sealed record LeadAssignment(DateTimeOffset Since, string Reason, ClockBasis Clock, DateTimeOffset? OverdueAt = null);

/// <summary>The durable state of a lead.</summary>
public sealed record LeadState
{
    public required LeadSubmission Submission { get; init; }

    public required string Fingerprint { get; init; }

    public required string SubmittedBy { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>3 working days from the day of discovery (seed 000 §(九)).</summary>
    public required ClockBasis RelayClock { get; init; }

    /// <summary>Where the lead went at intake (the coordinator when nobody competent was found).</summary>
    public required IReadOnlyList<string> RoutedTo { get; init; }

    public required DateTimeOffset RelayedAt { get; init; }

    public required Lateness RelayLateness { get; init; }

    public required IReadOnlyList<Recipient> Recipients { get; init; }

    public LeadAssignment? Assignment { get; init; }

    /// <summary>Set when the lead came from an enforcement finding; the submitter is then a department, not a system.</summary>
    public LeadOrigin? Origin { get; init; }

    [JsonIgnore]
    public string LeadId => Submission.LeadId;

    /// <summary>Who a lead concerns: the system that submitted it and every department it was relayed to.</summary>
    [JsonIgnore]
    public IEnumerable<string> Parties => [SubmittedBy, .. Recipients.Select(r => r.Department)];

    /// <summary>The department's latest part, if the lead ever went to it.</summary>
    public Recipient? PartOf(string department) => Recipients.LastOrDefault(r => r.Department == department);

    [JsonIgnore]
    public IEnumerable<Recipient> Active => Recipients.Where(r => r.IsActive);

    [JsonIgnore]
    public LeadStatus Status
    {
        get
        {
            if (Assignment is not null)
            {
                return LeadStatus.AwaitingRoute;
            }

            var active = Active.ToArray();
            if (active.Length == 0)
            {
                return LeadStatus.AwaitingRoute;
            }

            if (active.All(r => r.Status == RecipientStatus.FedBack))
            {
                return LeadStatus.Closed;
            }

            return active.Where(r => r.Status != RecipientStatus.FedBack).Min(r => r.Status) switch
            {
                RecipientStatus.Relayed => LeadStatus.Relayed,
                RecipientStatus.Received => LeadStatus.Received,
                _ => LeadStatus.Handled,
            };
        }
    }
}

/// <summary>Kebab-case names of the state vocabularies, as the API and messages spell them.</summary>
public static class LeadNames
{
    public static string Of(LeadStatus status) => JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    public static string Of(RecipientStatus status) => JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    public static string Of(RecipientRole role) => JsonNamingPolicy.KebabCaseLower.ConvertName(role.ToString());

    public static readonly IReadOnlyList<string> LeadStatuses = Enum.GetValues<LeadStatus>().Select(Of).ToArray();

    public static readonly IReadOnlyList<string> RecipientStatuses = Enum.GetValues<RecipientStatus>().Select(Of).ToArray();
}
