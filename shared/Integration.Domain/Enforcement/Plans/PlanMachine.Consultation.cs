using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>Consultation (会商): a plan is created, amended, confirmed or objected to, and approved by the coordinator.</summary>
public static partial class PlanMachine
{
    /// <summary>A new plan: stored, and sent to the participants for consultation (会商).</summary>
    public static PlanTransition Create(PlanInput input, string initiator, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(rules);
        var clock = new ClockBasis(ChinaTime.DateOf(now), rules.ConsultationWorkingDays);
        var state = new PlanState
        {
            Input = input,
            Fingerprint = input.Fingerprint(),
            Initiator = initiator,
            CreatedAt = now,
            Stage = PlanStage.Consultation,
            Consultation = new Consultation(1, now, clock, []),
        };
        var details = new { initiator, input.Title, input.Kind, input.LeadDepartment, input.Participants, consultationDeadline = clock.On(calendar) };
        return new PlanTransition(state, "plan.created", details, ConsultationRequests(state, calendar), PlanClocks.Start(PlanClocks.Consultation, clock), [], []);
    }

    /// <summary>The initiator amends the plan (after an objection, or during consultation); consultation starts again.</summary>
    public static PlanDecision Amend(PlanState state, string caller, PlanInput? input, FieldErrors errors, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(rules);
        if (caller != state.Initiator)
        {
            return Forbidden($"Only the initiator ({state.Initiator}) amends plan {state.PlanId}.");
        }

        if (Stage(state, "amend", PlanStage.Consultation, PlanStage.Returned) is { } rejected)
        {
            return rejected;
        }

        if (input is not null && input.PlanId != state.PlanId)
        {
            errors.Add("planId", $"The body names plan {TextRules.Echo(input.PlanId)}, the path {state.PlanId}.");
        }

        if (input is null || !errors.IsEmpty)
        {
            return Invalid(errors);
        }

        var clock = new ClockBasis(ChinaTime.DateOf(now), rules.ConsultationWorkingDays);
        var next = state with
        {
            Input = input,
            Fingerprint = input.Fingerprint(),
            Stage = PlanStage.Consultation,
            Consultation = new Consultation(state.Consultation.Round + 1, now, clock, []),
        };
        var details = new { round = next.Consultation.Round, consultationDeadline = clock.On(calendar), input.Participants };
        return new PlanTransition(next, "plan.amended", details, ConsultationRequests(next, calendar), PlanClocks.Start(PlanClocks.Consultation, clock), PlanClocks.Both(PlanClocks.Consultation), []);
    }

    /// <summary>A participant confirms the plan; the last confirmation sends it to the coordinator for approval.</summary>
    public static PlanDecision Confirm(PlanState state, string caller, DateTimeOffset now, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (Respond(state, caller, "confirm") is { } rejected)
        {
            return rejected;
        }

        var responses = state.Consultation.Responses.Append(new ConsultationResponse(caller, ConsultationAnswer.Confirmed, now, null)).ToArray();
        var all = state.Input.Participants.All(p => responses.Any(r => r.Department == p));
        var next = state with
        {
            Consultation = state.Consultation with { Responses = responses },
            Stage = all ? PlanStage.AwaitingApproval : PlanStage.Consultation,
        };
        if (!all)
        {
            return new PlanTransition(next, "plan.confirmed", new { department = caller, round = state.Consultation.Round }, [], [], [], []);
        }

        var notice = new PlanNotice(rules.Coordinator, "enforcement.approval-requested", Summary(next, "Every participant has confirmed the plan; it waits for approval.", null));
        return new PlanTransition(next, "plan.confirmed", new { department = caller, round = state.Consultation.Round, allConfirmed = true }, [notice], [], PlanClocks.Both(PlanClocks.Consultation), []);
    }

    /// <summary>A participant objects with a reason: the plan goes back to the initiator, who may amend it.</summary>
    public static PlanDecision Object(PlanState state, string caller, JsonElement body, DateTimeOffset now, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (Respond(state, caller, "object to") is { } rejected)
        {
            return rejected;
        }

        var errors = new FieldErrors();
        if (PlanInputs.Objection(body, errors) is not { } input)
        {
            return Invalid(errors);
        }

        var next = state with
        {
            Stage = PlanStage.Returned,
            Consultation = state.Consultation with { Responses = [.. state.Consultation.Responses, new ConsultationResponse(caller, ConsultationAnswer.Objected, now, input.Reason)] },
        };
        var objection = new PlanObjectionNotice(state.PlanId, caller, input.Reason, now);
        PlanNotice[] notices = [.. new[] { state.Initiator, rules.Coordinator }.Distinct(StringComparer.Ordinal).Select(d => new PlanNotice(d, "enforcement.objected", objection))];
        return new PlanTransition(next, "plan.objected", new { department = caller, input.Reason, round = state.Consultation.Round }, notices, [], PlanClocks.Both(PlanClocks.Consultation), []);
    }

    /// <summary>Why the caller may not approve the plan now, or null. Checked before the roster is frozen, which reads the libraries.</summary>
    public static PlanRejection? CheckApprove(PlanState state, bool isCoordinator, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        return !isCoordinator
            ? Forbidden($"Only the coordinator ({rules.Coordinator}) approves plans.")
            : Stage(state, "approve", PlanStage.AwaitingApproval);
    }

    /// <summary>The coordinator approves: the roster is frozen and the participants commit to their nonces.</summary>
    public static PlanDecision Approve(PlanState state, string caller, bool isCoordinator, DrawRoster roster, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(roster);
        if (CheckApprove(state, isCoordinator, rules) is { } rejected)
        {
            return rejected;
        }

        if (Freeze(state, roster, attempt: 1, now, calendar, rules) is not { } frozen)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"The roster cannot be drawn from: {roster.Problem()} Correct the officer or target library and approve again.", Stage: PlanNames.Of(state.Stage));
        }

        var next = frozen.State with { ApprovedAt = now, ApprovedBy = caller };
        return frozen with { State = next, Action = "plan.approved" };
    }

    private static PlanNotice[] ConsultationRequests(PlanState state, WorkingDayCalendar calendar)
    {
        var deadline = state.Consultation.Clock.On(calendar);
        var body = Summary(state, $"Confirm or object to plan {state.PlanId} (会商, round {state.Consultation.Round}).", deadline);
        return state.Input.Participants.Select(p => new PlanNotice(p, "enforcement.consultation-requested", body)).ToArray();
    }
}
