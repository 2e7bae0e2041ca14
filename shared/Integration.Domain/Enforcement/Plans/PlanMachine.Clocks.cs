using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>Clocks: what each deadline does when it comes due.</summary>
public static partial class PlanMachine
{
    /// <summary>
    /// A clock's deadline came due. Null when the step it waited for has been taken (a stale wake-up): then nothing is
    /// recorded and nobody is told.
    /// </summary>
    public static PlanTransition? OnDeadline(PlanState state, string action, string deadline, string? data, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        var draw = state.Draw;
        var coordinator = rules.Coordinator;
        // A suspension cancels the clocks it pauses; a wake-up that still arrives has nothing to say.
        if (state.Stage == PlanStage.Suspended)
        {
            return null;
        }

        if (action == PlanClocks.ReminderAction(PlanClocks.Consultation) && state.Stage == PlanStage.Consultation)
        {
            return Ring(now, state, action, deadline, PlanClocks.Consultation, "reminder", Due(state.Consultation.Clock, calendar), NotResponded(state), [],
                $"Today is the last working day to confirm or object to plan {state.PlanId}.");
        }

        if (action == PlanClocks.OverdueAction(PlanClocks.Consultation) && state.Stage == PlanStage.Consultation)
        {
            return Ring(now, state with { Consultation = state.Consultation with { OverdueAt = now } }, action, deadline, PlanClocks.Consultation, "overdue",
                Due(state.Consultation.Clock, calendar), NotResponded(state), [coordinator, state.Initiator], $"The consultation on plan {state.PlanId} is overdue (超期未会商).");
        }

        if (action == PlanClocks.ReminderAction(PlanClocks.Commit) && state.Stage == PlanStage.Committing && draw is not null)
        {
            return Ring(now, state, action, deadline, PlanClocks.Commit, "reminder", Due(draw.CommitClock, calendar), Missing(state, draw.Commitments), [],
                $"Today is the last working day to commit to a nonce for the draw of plan {state.PlanId}.");
        }

        if (action == PlanClocks.OverdueAction(PlanClocks.Commit) && state.Stage == PlanStage.Committing && draw is not null)
        {
            var missed = Missing(state, draw.Commitments);
            return Ring(now, state with { Draw = draw with { MissedCommit = missed } }, action, deadline, PlanClocks.Commit, "overdue", Due(draw.CommitClock, calendar), missed, [coordinator],
                $"Commitments for the draw of plan {state.PlanId} are overdue; the coordinator may restart the commitments.");
        }

        if (action == PlanClocks.ReminderAction(PlanClocks.Reveal) && state.Stage == PlanStage.Revealing && draw?.RevealClock is { } revealClock)
        {
            return Ring(now, state, action, deadline, PlanClocks.Reveal, "reminder", Due(revealClock, calendar), Missing(state, draw.Nonces), [],
                $"Today is the last working day to reveal your nonce for the draw of plan {state.PlanId}.");
        }

        if (action == PlanClocks.OverdueAction(PlanClocks.Reveal) && state.Stage == PlanStage.Revealing && draw?.RevealClock is { } overdueReveal)
        {
            var missed = Missing(state, draw.Nonces);
            return Ring(now, state with { Draw = draw with { MissedReveal = missed } }, action, deadline, PlanClocks.Reveal, "overdue", Due(overdueReveal, calendar), missed, [coordinator],
                $"{string.Join(", ", missed)} missed the reveal deadline of plan {state.PlanId}; the coordinator may restart the commitments.");
        }

        var window = state.ResultsDue;
        if (action == PlanClocks.ReminderAction(PlanClocks.Results) && state.Stage == PlanStage.Inspecting)
        {
            return Ring(now, state, action, deadline, PlanClocks.Results, "reminder", ChinaTime.EndOf(window), OpenDepartments(state), [],
                $"Results of plan {state.PlanId} are due by the end of {window:yyyy-MM-dd}.");
        }

        if (action == PlanClocks.OverdueAction(PlanClocks.Results) && state.Stage == PlanStage.Inspecting)
        {
            // The window has ended: publication is now due within its working days of the window's end, results or not.
            var notices = new List<PlanNotice>();
            var start = new List<PlanClockStart>();
            var next = OpenPublication(state with { ResultsOverdueAt = now }, window, calendar, notices, start, []);
            var rung = Ring(now, next, action, deadline, PlanClocks.Results, "overdue", ChinaTime.EndOf(window), OpenDepartments(state), [coordinator],
                $"Results of plan {state.PlanId} are overdue: the window ended on {window:yyyy-MM-dd}.");
            return rung! with { Notices = [.. rung.Notices, .. notices], Start = start };
        }

        if (action == PlanClocks.ReminderAction(PlanClocks.Publish) && state.Stage is PlanStage.Inspecting or PlanStage.AwaitingPublication && state.PublishClock is { } publishClock)
        {
            return Ring(now, state, action, deadline, PlanClocks.Publish, "reminder", Due(publishClock, calendar), [state.Input.LeadDepartment], [],
                $"Today is the last working day to publish the results of plan {state.PlanId}.");
        }

        if (action == PlanClocks.OverdueAction(PlanClocks.Publish) && state.Stage is PlanStage.Inspecting or PlanStage.AwaitingPublication && state.PublishClock is { } overduePublish)
        {
            return Ring(now, state with { PublishOverdueAt = now }, action, deadline, PlanClocks.Publish, "overdue", Due(overduePublish, calendar), [state.Input.LeadDepartment], [coordinator],
                $"The results of plan {state.PlanId} were not published in time (超期未公示).");
        }

        if (data is not null && state.Letters.FirstOrDefault(l => l.LetterId == data) is { AnsweredAt: null } letter)
        {
            if (action == PlanClocks.ReminderAction(PlanClocks.Assistance))
            {
                return Ring(now, state, action, deadline, PlanClocks.Assistance, "reminder", Due(letter.Clock, calendar), [letter.To], [],
                    $"Today is the last working day to answer assistance letter {letter.LetterId} of plan {state.PlanId}.", letter.LetterId);
            }

            if (action == PlanClocks.OverdueAction(PlanClocks.Assistance))
            {
                var overdue = state with { Letters = state.Letters.Select(l => l.LetterId == letter.LetterId ? l with { OverdueAt = now } : l).ToArray() };
                return Ring(now, overdue, action, deadline, PlanClocks.Assistance, "overdue", Due(letter.Clock, calendar), [letter.To], [letter.From, coordinator],
                    $"Assistance letter {letter.LetterId} of plan {state.PlanId} was not answered in time.", letter.LetterId);
            }
        }

        return null;
    }

    private static PlanTransition? Ring(
        DateTimeOffset now, PlanState state, string action, string deadline, string clock, string kind, DateTimeOffset dueAt, IReadOnlyList<string> waiting, IReadOnlyList<string> also, string message, string? letterId = null)
    {
        // A reminder that wakes only after its deadline (the platform was down all the last day) would arrive after
        // the fact; the overdue warning says what matters, and cancels it.
        if (kind == "reminder" && now >= dueAt)
        {
            return null;
        }

        var body = new PlanClockNotice(state.PlanId, clock, kind, dueAt, waiting, message);
        var subject = kind == "reminder" ? "enforcement.reminder" : "enforcement.overdue";
        var notices = waiting.Concat(also).Distinct(StringComparer.Ordinal).Select(d => new PlanNotice(d, subject, body)).ToArray();
        var details = new { clock, kind, dueAt, waiting, notified = notices.Select(n => n.Recipient).ToArray() };
        // Once the deadline itself has come, its reminder has nothing left to say.
        IReadOnlyList<string> stop = kind == "reminder" ? [] : [PlanClocks.Name(clock, reminder: true, letterId)];
        return new PlanTransition(state, action, details, notices, [], stop, [deadline]);
    }
}
