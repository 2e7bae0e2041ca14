using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integration.Domain.Audit;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>The closed vocabularies of a joint-enforcement plan (联合执法 / 双随机抽查).</summary>
public static class PlanVocabulary
{
    /// <summary>部门联合双随机抽查, 联合检查, 专项整治.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["double-random", "joint-inspection", "special-campaign"];

    /// <summary>
    /// The result codes real 双随机 systems use (domain brief, "Joint enforcement"), each with its Chinese label,
    /// in the order the national systems list them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ResultCodes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["no-problem"] = "未发现问题",
        ["unpublished-information"] = "未按规定公示应当公示的信息",
        ["false-information"] = "公示信息隐瞒真实情况弄虚作假",
        ["unreachable"] = "通过登记的住所（经营场所）无法联系",
        ["closed-or-liquidating"] = "已关闭停业或正在组织清算",
        ["obstruction"] = "不配合检查情节严重",
        ["corrected"] = "发现问题经责令已改正",
        ["pending"] = "发现问题待后续处理",
        ["no-activity"] = "未发现开展本次抽查涉及的经营活动",
        ["deregistered"] = "注销/被吊销/被撤销/迁出",
    };

    /// <summary>What a finding is about; bid rigging and fraud may become a lead for the lead relay.</summary>
    public static readonly IReadOnlyList<string> FindingCategories = ["bid-rigging", "fraud", "other"];

    /// <summary>A result that counts as a problem found in the closing summary: everything but "nothing found" and "no such activity".</summary>
    public static bool IsProblem(string resultCode) => resultCode is not ("no-problem" or "no-activity");

    public const string DefaultStratum = "all";
}

public sealed record PlanMatter(string Name, string Basis);

public sealed record PlanScope(IReadOnlyList<string> Regions, IReadOnlyList<string> Industries);

public sealed record PlanWindow(DateOnly From, DateOnly To);

/// <summary>A plan as its initiator drafted it, validated (issue 11 §2).</summary>
public sealed record PlanInput(
    string PlanId,
    string Title,
    string Kind,
    string Basis,
    string LeadDepartment,
    IReadOnlyList<string> Participants,
    IReadOnlyList<PlanMatter> Matters,
    PlanScope Scope,
    IReadOnlyList<SamplingStratum> Strata,
    int OfficersPerTarget,
    PlanWindow Window,
    int PublishWithinWorkingDays)
{
    public DrawSampling Sampling => new(Strata, OfficersPerTarget);

    /// <summary>SHA-256 over the canonical JSON of the input: the same plan sent twice, however laid out, has one fingerprint.</summary>
    public string Fingerprint()
    {
        var node = JsonSerializer.SerializeToNode(this, FingerprintOptions);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(node))));
    }

    private static readonly JsonSerializerOptions FingerprintOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>Where a plan is in its life (domain brief: draft → consultation → approved → drawn → dispatched → inspecting → results → published).</summary>
public enum PlanStage
{
    /// <summary>会商: the participants confirm or object.</summary>
    Consultation,

    /// <summary>A participant objected: back with the initiator, who may amend it.</summary>
    Returned,

    /// <summary>Everyone confirmed: the coordinator approves.</summary>
    AwaitingApproval,

    /// <summary>Approved, roster frozen: each participant commits to a secret nonce.</summary>
    Committing,

    /// <summary>Everyone committed: each participant reveals its nonce; the last reveal draws.</summary>
    Revealing,

    /// <summary>The draw could not be made (too few officers after recusals); nothing was dispatched.</summary>
    DrawFailed,

    /// <summary>Tasks dispatched; the officers' departments enter results.</summary>
    Inspecting,

    /// <summary>Every task has a result; the lead department publishes.</summary>
    AwaitingPublication,

    /// <summary>Published and closed with a summary per department.</summary>
    Closed,

    /// <summary>Halted by the coordinator or the lead department (a court order, an emergency): only resume is accepted and the clocks stand still.</summary>
    Suspended,
}

public enum ConsultationAnswer
{
    Confirmed,
    Objected,
}

public sealed record ConsultationResponse(string Department, ConsultationAnswer Answer, DateTimeOffset At, string? Reason);

/// <summary>One round of 会商: it starts at creation and again after every amendment.</summary>
public sealed record Consultation(int Round, DateTimeOffset StartedAt, ClockBasis Clock, IReadOnlyList<ConsultationResponse> Responses, DateTimeOffset? OverdueAt = null);

/// <summary>
/// One attempt at the draw: the roster frozen on approval (or on a restart), the commitments and the nonces. Nonces stay
/// secret (never shown) until every participant has revealed; then <see cref="Record"/> holds the published draw.
/// </summary>
/// <remarks>
/// A roster can hold tens of thousands of targets, so the plan's stored state does not carry it: it is kept once,
/// immutable, under <see cref="RosterKey"/>, and the stored state holds <see cref="Roster"/> null and the record's
/// roster empty; whoever runs the machine or shows the draw loads it first. A draw frozen before rosters were kept
/// apart has no <see cref="RosterKey"/> and its roster inline.
/// </remarks>
public sealed record PlanDraw(
    int Attempt,
    DateTimeOffset FrozenAt,
    DrawRoster? Roster,
    string RosterHash,
    IReadOnlyDictionary<string, string> Commitments,
    IReadOnlyDictionary<string, string> Nonces,
    ClockBasis CommitClock,
    ClockBasis? RevealClock,
    IReadOnlyList<string> MissedCommit,
    IReadOnlyList<string> MissedReveal,
    DrawRecord? Record,
    string? FailedReason)
{
    /// <summary>The key of the stored roster (the digest of its full content); null when the roster is inline.</summary>
    public string? RosterKey { get; init; }

    /// <summary>The roster's size, so that the plan shows it without loading the roster (0 on draws frozen before it was kept).</summary>
    public int TargetCount { get; init; }

    public int OfficerCount { get; init; }

    public int Targets => Roster?.Targets.Count ?? TargetCount;

    public int Officers => Roster?.Officers.Count ?? OfficerCount;

    /// <summary>The roster, which the machine needs to draw and re-draw; a method, so that serialising a stored state never asks for it.</summary>
    public DrawRoster RequireRoster() =>
        Roster ?? throw new InvalidOperationException($"The roster {RosterKey} of this draw was not loaded; load it before running the machine.");
}

public sealed record TaskOfficer(string Department, string OfficerId);

/// <summary>One finding of a task. Its text is confidential: shown to the plan's parties, never published.</summary>
public sealed record PlanFinding(string Text, string Category, string? Department);

public sealed record TaskResult(string ResultCode, IReadOnlyList<PlanFinding> Findings, DateTimeOffset CompletedAt, string EnteredBy, DateTimeOffset EnteredAt, Lateness Lateness);

public enum TaskStatus
{
    Assigned,
    Done,

    /// <summary>The target cannot be inspected (unreachable at its registered address): waits for its result, usually <c>unreachable</c> entered by the lead department.</summary>
    Exception,
}

/// <summary>An officer of a task who stepped aside after the draw (回避), and who was drawn in the officer's place (<see cref="Round"/> of DRAW-v1's re-draws).</summary>
public sealed record TaskRecusal(string OfficerId, string Department, string Reason, string ReportedBy, DateTimeOffset At, int Round, TaskOfficer Replacement);

/// <summary>A finding of the task's result that became a lead in the lead relay (by its index in the result's findings).</summary>
public sealed record FindingLead(int Finding, string LeadId, string By, DateTimeOffset At);

/// <summary>Why a task cannot go on as dispatched (the target cannot be reached), who said so, and when.</summary>
public sealed record TaskException(string Reason, string ReportedBy, DateTimeOffset At);

/// <summary>
/// A clock that stood open when the plan was suspended: the working days it had left, counted on the calendar as
/// (suspension day, deadline]; at least one, so a clock suspended on its last day still has that day on resumption.
/// The results clock (a calendar day, the window's end) is paused the same way and resumes as a new last day.
/// </summary>
public sealed record PausedClock(string Clock, string? LetterId, DateOnly WasDue, int WorkingDaysLeft);

/// <summary>A suspension of the plan: who, why, from which stage, and the clocks that stand still until it resumes.</summary>
public sealed record PlanSuspension(DateTimeOffset At, string By, string Reason, PlanStage From, IReadOnlyList<PausedClock> Clocks);

/// <summary>One inspection task: a drawn target and the officers drawn for it (检查任务).</summary>
public sealed record PlanTask(
    string TaskId,
    string TargetId,
    string Stratum,
    string CreditCode,
    IReadOnlyList<TaskOfficer> Officers,
    TaskStatus Status,
    TaskResult? Result = null)
{
    public IReadOnlyList<TaskRecusal> Recusals { get; init; } = [];

    public TaskException? Exception { get; init; }

    public IReadOnlyList<FindingLead> Leads { get; init; } = [];

    public IReadOnlyList<string> Departments => Officers.Select(o => o.Department).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// 协助办理函 (seed 000 §(十七)): a finding that belongs to another department is sent to it, which answers within
/// its own clock (accepting it, or returning it with reasons).
/// </summary>
public sealed record AssistanceLetter(
    string LetterId,
    string TaskId,
    string From,
    string To,
    string Finding,
    DateTimeOffset SentAt,
    ClockBasis Clock,
    DateTimeOffset? AnsweredAt = null,
    bool? Accepted = null,
    string? Reply = null,
    Lateness? Lateness = null,
    DateTimeOffset? OverdueAt = null);

public sealed record PlanPublication(DateTimeOffset At, string By, ClockBasis Clock, Lateness Lateness);

/// <summary>The closing summary of one department (tasks, problems found, corrected, pending).</summary>
public sealed record DepartmentSummary(string Department, int Tasks, int ProblemsFound, int Corrected, int Pending);

/// <summary>A joint-enforcement plan: its input, where it stands, and everything each party did.</summary>
public sealed record PlanState
{
    public required PlanInput Input { get; init; }

    public required string Fingerprint { get; init; }

    public required string Initiator { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required PlanStage Stage { get; init; }

    public required Consultation Consultation { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    public string? ApprovedBy { get; init; }

    public PlanDraw? Draw { get; init; }

    public IReadOnlyList<PlanTask> Tasks { get; init; } = [];

    /// <summary>When the draw dispatched the tasks: the coordination report counts a task in the period of its dispatch.</summary>
    public DateTimeOffset? DispatchedAt { get; init; }

    public IReadOnlyList<AssistanceLetter> Letters { get; init; } = [];

    /// <summary>Results are due by the end of the window; set when the tasks are dispatched.</summary>
    public DateTimeOffset? ResultsOverdueAt { get; init; }

    /// <summary>"publishWithinWorkingDays after the last result or the window's end, whichever is first": started by whichever comes first.</summary>
    public ClockBasis? PublishClock { get; init; }

    public DateTimeOffset? PublishOverdueAt { get; init; }

    public PlanPublication? Publication { get; init; }

    public IReadOnlyList<DepartmentSummary> Summary { get; init; } = [];

    /// <summary>Set while the plan is suspended.</summary>
    public PlanSuspension? Suspension { get; init; }

    /// <summary>The last day for results when a suspension moved it past the window's end; otherwise the window's end.</summary>
    public DateOnly? ResultsDueOn { get; init; }

    public DateOnly ResultsDue => ResultsDueOn ?? Input.Window.To;

    public string PlanId => Input.PlanId;

    /// <summary>Everyone with a part in the plan: the initiator, the lead department and the participants.</summary>
    public IReadOnlyList<string> Parties =>
        new[] { Initiator, Input.LeadDepartment }.Concat(Input.Participants).Distinct(StringComparer.Ordinal).ToArray();

    public PlanTask? Task(string taskId) => Tasks.FirstOrDefault(t => t.TaskId == taskId);
}

public static class PlanNames
{
    public static readonly IReadOnlyList<string> Stages = Enum.GetValues<PlanStage>().Select(Of).ToArray();

    public static string Of(PlanStage stage) => Kebab(stage.ToString());

    public static string Of(TaskStatus status) => Kebab(status.ToString());

    public static string Of(ConsultationAnswer answer) => Kebab(answer.ToString());

    private static string Kebab(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}

/// <summary>
/// What the coordination report needs of one task, kept on the plan's listing row (which drops the tasks themselves):
/// the inspecting departments, when the result was entered, and whether after the window's end.
/// </summary>
public sealed record PlanTaskFact(string TaskId, IReadOnlyList<string> Departments, DateTimeOffset? ResultAt, bool Late)
{
    public static PlanTaskFact Of(PlanTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new PlanTaskFact(task.TaskId, task.Departments, task.Result?.EnteredAt, task.Result?.Lateness.Late ?? false);
    }
}
