using System.Text.Json.Nodes;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Leads;
using Integration.Functions.Audit;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Enforcement;

public sealed record ConsultationView(int Round, DateTimeOffset StartedAt, DateTimeOffset Deadline, bool Provisional, IReadOnlyList<ConsultationResponse> Responses, IReadOnlyList<string> Waiting, DateTimeOffset? OverdueAt);

public sealed record DrawProgressView(
    int Attempt,
    DateTimeOffset FrozenAt,
    string RosterHash,
    int Targets,
    int Officers,
    DateTimeOffset CommitDeadline,
    IReadOnlyList<string> Committed,
    IReadOnlyList<string> WaitingToCommit,
    DateTimeOffset? RevealDeadline,
    IReadOnlyList<string> Revealed,
    IReadOnlyList<string> WaitingToReveal,
    IReadOnlyList<string> MissedCommit,
    IReadOnlyList<string> MissedReveal,
    string? Seed,
    string? FailedReason);

public sealed record TaskCounts(int Total, int Done, IReadOnlyList<string> WaitingDepartments);

public sealed record PublicationView(DateTimeOffset? Deadline, DateTimeOffset? PublishedAt, string? PublishedBy, bool? Late, DateTimeOffset? OverdueAt);

public sealed record DeadlineView(string Name, string Action, DateTimeOffset DueAt, bool Provisional);

public sealed record PlanView(
    string PlanId,
    string Title,
    string Kind,
    string Basis,
    string Initiator,
    string LeadDepartment,
    IReadOnlyList<string> Participants,
    IReadOnlyList<PlanMatter> Matters,
    PlanScope Scope,
    IReadOnlyList<SamplingStratum> Strata,
    int OfficersPerTarget,
    PlanWindow Window,
    int PublishWithinWorkingDays,
    string Stage,
    DateTimeOffset CreatedAt,
    ConsultationView Consultation,
    DateTimeOffset? ApprovedAt,
    string? ApprovedBy,
    DrawProgressView? Draw,
    TaskCounts Tasks,
    IReadOnlyList<AssistanceLetter> Letters,
    PublicationView Publication,
    IReadOnlyList<DepartmentSummary> Summary,
    PlanSuspension? Suspension,
    DateOnly ResultsDue,
    IReadOnlyList<DeadlineView>? Deadlines,
    IReadOnlyList<AuditFunctions.EntryResponse>? History);

public sealed record PlanPage(IReadOnlyList<PlanView> Items, string? NextPageToken);

public sealed record TaskView(
    string TaskId,
    string TargetId,
    string Stratum,
    string CreditCode,
    IReadOnlyList<TaskOfficer> Officers,
    IReadOnlyList<string> Departments,
    string Status,
    TaskResult? Result,
    IReadOnlyList<TaskRecusal> Recusals,
    TaskException? Exception,
    IReadOnlyList<FindingLead> Leads);

public sealed record TaskPage(string PlanId, string Stage, IReadOnlyList<TaskView> Tasks);

public sealed record DrawVerifyView(string PlanId, bool Valid, string? Mismatch);

public sealed record PublicTargetView(string TaskId, string TargetId, string? ResultCode, string? Result);

public sealed record PublicPlanView(
    string PlanId,
    string Title,
    string Kind,
    string Basis,
    string LeadDepartment,
    IReadOnlyList<string> Participants,
    IReadOnlyList<PlanMatter> Matters,
    PlanWindow Window,
    string Stage,
    DateTimeOffset? PublicationDeadline,
    DateTimeOffset? PublishedAt,
    bool PublicationOverdue,
    string? Warning,
    IReadOnlyList<PublicTargetView> Targets,
    JsonNode? Draw);

/// <summary>The plan as its parties and the public see it.</summary>
public static class PlanViews
{
    public static PlanView For(Record<PlanState> record, WorkingDayCalendar calendar, IReadOnlyList<Domain.Audit.AuditEntry>? history = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var view = For(record.State, calendar, history);
        return view with
        {
            Deadlines = record.Deadlines.Where(d => d.Status == DeadlineStatus.Active).OrderBy(d => d.DueAt)
                .Select(d => new DeadlineView(d.Name, d.Action, d.DueAt, d.Provisional)).ToArray(),
        };
    }

    public static PlanView For(PlanState state, WorkingDayCalendar calendar, IReadOnlyList<Domain.Audit.AuditEntry>? history = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(calendar);
        var input = state.Input;
        var consultation = state.Consultation.Clock.On(calendar);
        return new PlanView(
            input.PlanId,
            input.Title,
            input.Kind,
            input.Basis,
            state.Initiator,
            input.LeadDepartment,
            input.Participants,
            input.Matters,
            input.Scope,
            input.Strata,
            input.OfficersPerTarget,
            input.Window,
            input.PublishWithinWorkingDays,
            PlanNames.Of(state.Stage),
            state.CreatedAt,
            new ConsultationView(state.Consultation.Round, state.Consultation.StartedAt, consultation.DueAt, consultation.Provisional,
                state.Consultation.Responses, state.Stage == PlanStage.Consultation ? PlanMachine.NotResponded(state) : [], state.Consultation.OverdueAt),
            state.ApprovedAt,
            state.ApprovedBy,
            state.Draw is { } draw ? DrawProgress(state, draw, calendar) : null,
            new TaskCounts(state.Tasks.Count, state.Tasks.Count(t => t.Status == Domain.Enforcement.Plans.TaskStatus.Done), PlanMachine.OpenDepartments(state)),
            state.Letters,
            new PublicationView(state.PublishClock?.On(calendar).DueAt, state.Publication?.At, state.Publication?.By, state.Publication?.Lateness.Late, state.PublishOverdueAt),
            state.Summary,
            state.Suspension,
            state.ResultsDue,
            null,
            history?.Select(AuditFunctions.ToResponse).ToArray());
    }

    public static TaskPage Tasks(PlanState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new TaskPage(state.PlanId, PlanNames.Of(state.Stage), state.Tasks.Select(t =>
            new TaskView(t.TaskId, t.TargetId, t.Stratum, t.CreditCode, t.Officers, t.Departments, PlanNames.Of(t.Status), t.Result, t.Recusals, t.Exception, t.Leads)).ToArray());
    }

    /// <summary>
    /// The draw as <c>GET …/draw</c> shows it: the published record once drawn; before, the frozen roster (without
    /// recusal lists), the commitments and who has revealed, but no nonce until every participant has revealed.
    /// </summary>
    public static JsonNode Draw(PlanState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var draw = state.Draw!;
        if (draw.Record is { } record)
        {
            return JsonNode.Parse(DrawRecordJson.Write(record))!;
        }

        return new JsonObject
        {
            ["algorithm"] = DrawRecord.Version,
            ["planId"] = state.PlanId,
            ["attempt"] = draw.Attempt,
            ["roster"] = new JsonObject
            {
                ["targets"] = new JsonArray(draw.RequireRoster().Targets.Select(t => (JsonNode)new JsonObject
                {
                    ["targetId"] = t.TargetId,
                    ["stratum"] = t.Stratum,
                    ["creditCode"] = t.CreditCode,
                }).ToArray()),
                ["officers"] = new JsonArray(draw.RequireRoster().Officers.Select(o => (JsonNode)new JsonObject
                {
                    ["department"] = o.Department,
                    ["officerId"] = o.OfficerId,
                }).ToArray()),
            },
            ["rosterHash"] = draw.RosterHash,
            ["commitments"] = new JsonObject(draw.Commitments.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
            ["nonces"] = new JsonObject(),
            ["revealed"] = new JsonArray(draw.Nonces.Keys.Order(StringComparer.Ordinal).Select(d => (JsonNode)d).ToArray()),
            ["seed"] = null,
            ["selected"] = new JsonArray(),
            ["failedReason"] = draw.FailedReason,
        };
    }

    /// <summary>
    /// What anyone may read once the draw is made: the plan, its matters, the draw record (to verify it) and, once
    /// published, each drawn target's result code. Never officers' credentials, recusal lists or finding text.
    /// </summary>
    public static PublicPlanView Public(PlanState state, WorkingDayCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(calendar);
        var input = state.Input;
        var published = state.Publication is not null;
        var deadline = state.PublishClock?.On(calendar).DueAt;
        var overdue = deadline is { } due && (state.Publication?.At ?? now) >= due;
        return new PublicPlanView(
            input.PlanId,
            input.Title,
            input.Kind,
            input.Basis,
            input.LeadDepartment,
            input.Participants,
            input.Matters,
            input.Window,
            PlanNames.Of(state.Stage),
            deadline,
            state.Publication?.At,
            overdue,
            overdue ? (published ? "The results were published after their deadline (逾期公示)." : "The results are overdue for publication (超期未公示).") : null,
            state.Tasks.Select(t => new PublicTargetView(
                t.TaskId,
                t.TargetId,
                published ? t.Result?.ResultCode : null,
                published && t.Result is { } r ? PlanVocabulary.ResultCodes[r.ResultCode] : null)).ToArray(),
            state.Draw?.Record is { } record ? JsonNode.Parse(DrawRecordJson.Write(record)) : null);
    }

    private static DrawProgressView DrawProgress(PlanState state, PlanDraw draw, WorkingDayCalendar calendar) => new(
        draw.Attempt,
        draw.FrozenAt,
        draw.RosterHash,
        draw.Targets,
        draw.Officers,
        draw.CommitClock.On(calendar).DueAt,
        draw.Commitments.Keys.Order(StringComparer.Ordinal).ToArray(),
        state.Stage == PlanStage.Committing ? PlanMachine.Missing(state, draw.Commitments) : [],
        draw.RevealClock?.On(calendar).DueAt,
        draw.Nonces.Keys.Order(StringComparer.Ordinal).ToArray(),
        state.Stage == PlanStage.Revealing ? PlanMachine.Missing(state, draw.Nonces) : [],
        draw.MissedCommit,
        draw.MissedReveal,
        draw.Record?.Seed,
        draw.FailedReason);
}
