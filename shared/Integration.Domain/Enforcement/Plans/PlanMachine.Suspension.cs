using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>Suspension and resumption: open clocks are kept as working days left and recounted at resume.</summary>
public static partial class PlanMachine
{
    /// <summary>
    /// The coordinator or the lead department suspends the plan with a reason. Every open clock stops and keeps the
    /// working days it had left; until the plan is resumed no command but resume is accepted.
    /// </summary>
    public static PlanDecision Suspend(PlanState state, string caller, bool isCoordinator, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(rules);
        if (!isCoordinator && caller != state.Input.LeadDepartment)
        {
            return Forbidden($"Only the coordinator ({rules.Coordinator}) or the lead department ({state.Input.LeadDepartment}) suspends plan {state.PlanId}.");
        }

        if (state.Stage == PlanStage.Suspended)
        {
            return SuspendedRejection(state, "suspend");
        }

        if (state.Stage == PlanStage.Closed)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"Plan {state.PlanId} is closed; there is nothing left to suspend.", Stage: PlanNames.Of(state.Stage));
        }

        var errors = new FieldErrors();
        if (PlanInputs.Objection(body, errors) is not { } input)
        {
            return Invalid(errors);
        }

        var today = ChinaTime.DateOf(now);
        var paused = OpenClocks(state, calendar)
            .Select(c => new PausedClock(c.Clock, c.LetterId, c.Due, Math.Max(1, calendar.WorkingDaysBetween(today, c.Due))))
            .ToArray();
        var next = state with { Stage = PlanStage.Suspended, Suspension = new PlanSuspension(now, caller, input.Reason, state.Stage, paused) };
        var notice = new PlanSuspensionNotice(state.PlanId, state.Input.Title, state.Input.Kind, caller, input.Reason, now, paused);
        var notices = state.Parties.Append(rules.Coordinator).Distinct(StringComparer.Ordinal).Select(d => new PlanNotice(d, "enforcement.suspended", notice)).ToArray();
        var stop = paused.SelectMany(p => PlanClocks.Both(p.Clock, p.LetterId)).ToArray();
        return new PlanTransition(next, "plan.suspended", new { by = caller, input.Reason, from = PlanNames.Of(state.Stage), paused }, notices, [], stop, []);
    }

    /// <summary>The coordinator or the lead department resumes a suspended plan: it returns to its stage and every paused clock restarts with the working days it had left.</summary>
    public static PlanDecision Resume(PlanState state, string caller, bool isCoordinator, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(rules);
        if (!isCoordinator && caller != state.Input.LeadDepartment)
        {
            return Forbidden($"Only the coordinator ({rules.Coordinator}) or the lead department ({state.Input.LeadDepartment}) resumes plan {state.PlanId}.");
        }

        if (Stage(state, "resume", PlanStage.Suspended) is { } rejected)
        {
            return rejected;
        }

        var suspension = state.Suspension!;
        var today = ChinaTime.DateOf(now);
        var next = state with { Stage = suspension.From, Suspension = null };
        var start = new List<PlanClockStart>();
        foreach (var paused in suspension.Clocks)
        {
            var basis = new ClockBasis(today, paused.WorkingDaysLeft);
            switch (paused.Clock)
            {
                case PlanClocks.Consultation:
                    next = next with { Consultation = next.Consultation with { Clock = basis } };
                    break;
                case PlanClocks.Commit:
                    next = next with { Draw = next.Draw! with { CommitClock = basis } };
                    break;
                case PlanClocks.Reveal:
                    next = next with { Draw = next.Draw! with { RevealClock = basis } };
                    break;
                case PlanClocks.Results:
                    // The results clock is a calendar day: it becomes the last of the working days it had left.
                    next = next with { ResultsDueOn = basis.On(calendar).Deadline };
                    start.AddRange(PlanClocks.Until(PlanClocks.Results, next.ResultsDue));
                    continue;
                case PlanClocks.Publish:
                    next = next with { PublishClock = basis };
                    break;
                case PlanClocks.Assistance:
                    next = next with { Letters = next.Letters.Select(l => l.LetterId == paused.LetterId ? l with { Clock = basis } : l).ToArray() };
                    break;
                default:
                    throw new InvalidOperationException($"A suspension paused an unknown clock '{paused.Clock}'.");
            }

            start.AddRange(PlanClocks.Start(paused.Clock, basis, paused.LetterId));
        }

        var resumed = suspension.Clocks.Select(p => new { p.Clock, p.LetterId, p.WasDue, p.WorkingDaysLeft, dueAt = start.First(s => s.Name == PlanClocks.Name(p.Clock, false, p.LetterId)).On(calendar).At }).ToArray();
        var notice = new PlanSuspensionNotice(state.PlanId, state.Input.Title, state.Input.Kind, caller, null, now, suspension.Clocks);
        var notices = state.Parties.Append(rules.Coordinator).Distinct(StringComparer.Ordinal).Select(d => new PlanNotice(d, "enforcement.resumed", notice)).ToArray();
        return new PlanTransition(next, "plan.resumed", new { by = caller, stage = PlanNames.Of(suspension.From), suspendedAt = suspension.At, clocks = resumed }, notices, start, [], []);
    }

    /// <summary>The clocks still running: each stage's own clock unless its overdue warning has rung, and every unanswered letter's.</summary>
    private static IEnumerable<(string Clock, string? LetterId, DateOnly Due)> OpenClocks(PlanState state, WorkingDayCalendar calendar)
    {
        var draw = state.Draw;
        switch (state.Stage)
        {
            case PlanStage.Consultation when state.Consultation.OverdueAt is null:
                yield return (PlanClocks.Consultation, null, state.Consultation.Clock.On(calendar).Deadline);
                break;
            case PlanStage.Committing when draw is { MissedCommit.Count: 0 }:
                yield return (PlanClocks.Commit, null, draw.CommitClock.On(calendar).Deadline);
                break;
            case PlanStage.Revealing when draw is { MissedReveal.Count: 0, RevealClock: { } reveal }:
                yield return (PlanClocks.Reveal, null, reveal.On(calendar).Deadline);
                break;
            case PlanStage.Inspecting when state.ResultsOverdueAt is null:
                yield return (PlanClocks.Results, null, state.ResultsDue);
                break;
        }

        if (state.Stage is PlanStage.Inspecting or PlanStage.AwaitingPublication && state.PublishClock is { } publish && state.PublishOverdueAt is null)
        {
            yield return (PlanClocks.Publish, null, publish.On(calendar).Deadline);
        }

        foreach (var letter in state.Letters.Where(l => l.AnsweredAt is null && l.OverdueAt is null))
        {
            yield return (PlanClocks.Assistance, letter.LetterId, letter.Clock.On(calendar).Deadline);
        }
    }
}
