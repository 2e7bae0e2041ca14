using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>
/// The joint-enforcement plan's state machine, as pure functions of (state, caller, input, now, calendar). Every
/// command is checked in the same order: may the caller do it at all (403), is the plan in a stage that allows it
/// (409), is the input valid (400); only then does it produce a transition. One file per stage of the plan:
/// consultation, draw, tasks, suspension and clocks; readers and shared checks are here.
/// </summary>
public static partial class PlanMachine
{
    public const string Kind = "plan";

    /// <summary>
    /// Who may see a plan: the coordinator and the operator all, otherwise its initiator, lead department and
    /// participants, and a department asked for assistance (it must read the plan to answer).
    /// </summary>
    public static bool CanSee(PlanState state, string principal, bool seesEverything)
    {
        ArgumentNullException.ThrowIfNull(state);
        return seesEverything || state.Parties.Contains(principal) || state.Letters.Any(l => l.To == principal);
    }

    /// <summary>The participants that have not yet answered the current consultation round.</summary>
    public static IReadOnlyList<string> NotResponded(PlanState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Input.Participants.Where(p => state.Consultation.Responses.All(r => r.Department != p)).ToArray();
    }

    public static IReadOnlyList<string> Missing(PlanState state, IReadOnlyDictionary<string, string> acted)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(acted);
        return state.Input.Participants.Where(p => !acted.ContainsKey(p)).ToArray();
    }

    /// <summary>The departments with a task still waiting for its result.</summary>
    public static IReadOnlyList<string> OpenDepartments(PlanState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Tasks.Where(t => t.Status != TaskStatus.Done).SelectMany(t => t.Departments).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Per participant: its tasks, the problems found, those corrected and those pending further handling.</summary>
    public static IReadOnlyList<DepartmentSummary> Summarise(PlanState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Input.Participants.Order(StringComparer.Ordinal).Select(d =>
        {
            var tasks = state.Tasks.Where(t => t.Departments.Contains(d)).ToArray();
            var codes = tasks.Select(t => t.Result?.ResultCode).OfType<string>().ToArray();
            return new DepartmentSummary(d, tasks.Length, codes.Count(PlanVocabulary.IsProblem), codes.Count(c => c == "corrected"), codes.Count(c => c == "pending"));
        }).ToArray();
    }

    private static DateTimeOffset Due(ClockBasis clock, WorkingDayCalendar calendar) => clock.On(calendar).DueAt;

    private static PlanSummaryNotice Summary(PlanState state, string message, WorkingDayDeadline? deadline) => new(
        state.PlanId, state.Input.Title, state.Input.Kind, state.Initiator, state.Input.LeadDepartment, state.Input.Participants, state.Input.Window, message, deadline);

    private static PlanRejection? Respond(PlanState state, string caller, string what)
    {
        if ((Participant(state, caller, what) ?? Stage(state, what, PlanStage.Consultation)) is { } rejected)
        {
            return rejected;
        }

        return state.Consultation.Responses.FirstOrDefault(r => r.Department == caller) is { } answered
            ? new PlanRejection(PlanRejectionKind.Conflict, $"{caller} has already {PlanNames.Of(answered.Answer)} round {state.Consultation.Round} of plan {state.PlanId}.", Stage: PlanNames.Of(state.Stage))
            : null;
    }

    private static PlanRejection? Participant(PlanState state, string caller, string what) =>
        state.Input.Participants.Contains(caller) ? null : Forbidden($"'{caller}' is not a participant of plan {state.PlanId}, so it may not {what} it.");

    private static PlanRejection? Stage(PlanState state, string what, params PlanStage[] allowed) =>
        allowed.Contains(state.Stage)
            ? null
            : state.Stage == PlanStage.Suspended ? SuspendedRejection(state, what) : new PlanRejection(
                PlanRejectionKind.Conflict,
                $"Plan {state.PlanId} is '{PlanNames.Of(state.Stage)}'; to {what} it, it must be {string.Join(" or ", allowed.Select(s => $"'{PlanNames.Of(s)}'"))}.",
                Stage: PlanNames.Of(state.Stage));

    private static PlanRejection SuspendedRejection(PlanState state, string what)
    {
        var suspension = state.Suspension!;
        return new PlanRejection(
            PlanRejectionKind.Conflict,
            $"Plan {state.PlanId} is suspended since {suspension.At:O} by {suspension.By} ({suspension.Reason}); nothing may {what} it until it is resumed (POST …/resume).",
            Stage: PlanNames.Of(PlanStage.Suspended));
    }

    private static PlanRejection Forbidden(string detail) => new(PlanRejectionKind.Forbidden, detail);

    private static PlanRejection Invalid(FieldErrors errors) => new(PlanRejectionKind.Invalid, "One or more fields are invalid.", errors.ToDictionary());
}
