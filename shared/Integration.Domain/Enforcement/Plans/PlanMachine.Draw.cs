using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>The draw: commitments, reveals, the draw itself and its dispatch of tasks, and a restart after a failed draw.</summary>
public static partial class PlanMachine
{
    /// <summary>Why the caller may not restart the draw now, or null.</summary>
    public static PlanRejection? CheckRestart(PlanState state, bool isCoordinator, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        return !isCoordinator
            ? Forbidden($"Only the coordinator ({rules.Coordinator}) restarts a plan's draw.")
            : Stage(state, "restart the draw of", PlanStage.Committing, PlanStage.Revealing, PlanStage.DrawFailed);
    }

    /// <summary>
    /// The coordinator restarts the commitments (a participant missed its reveal, or the draw failed for want of
    /// officers): the roster is frozen again from the current libraries and every participant commits anew.
    /// </summary>
    public static PlanDecision Restart(PlanState state, bool isCoordinator, DrawRoster roster, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(roster);
        if (CheckRestart(state, isCoordinator, rules) is { } rejected)
        {
            return rejected;
        }

        var attempt = (state.Draw?.Attempt ?? 0) + 1;
        if (Freeze(state, roster, attempt, now, calendar, rules) is not { } frozen)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"The roster cannot be drawn from: {roster.Problem()}", Stage: PlanNames.Of(state.Stage));
        }

        return frozen with
        {
            Action = "plan.draw-restarted",
            Stop = [.. PlanClocks.Both(PlanClocks.Commit), .. PlanClocks.Both(PlanClocks.Reveal)],
        };
    }

    /// <summary>A participant commits to its secret nonce (SHA-256); the last commitment opens the reveals.</summary>
    public static PlanDecision Commit(PlanState state, string caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if ((Participant(state, caller, "commit to a nonce for") ?? Stage(state, "commit to a nonce for", PlanStage.Committing)) is { } rejected)
        {
            return rejected;
        }

        var draw = state.Draw!;
        if (draw.Commitments.ContainsKey(caller))
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"{caller} has already committed for draw attempt {draw.Attempt} of plan {state.PlanId}; a commitment cannot be changed.", Stage: PlanNames.Of(state.Stage));
        }

        var errors = new FieldErrors();
        if (PlanInputs.Commitment(body, errors) is not { } input)
        {
            return Invalid(errors);
        }

        var commitments = new SortedDictionary<string, string>(draw.Commitments.ToDictionary(), StringComparer.Ordinal) { [caller] = input.Commitment };
        var all = state.Input.Participants.All(commitments.ContainsKey);
        if (!all)
        {
            var waiting = state with { Draw = draw with { Commitments = commitments } };
            return new PlanTransition(waiting, "plan.committed", new { department = caller, input.Commitment, attempt = draw.Attempt }, [], [], [], []);
        }

        var revealClock = new ClockBasis(ChinaTime.DateOf(now), rules.RevealWorkingDays);
        var next = state with { Stage = PlanStage.Revealing, Draw = draw with { Commitments = commitments, RevealClock = revealClock } };
        var deadline = revealClock.On(calendar);
        var notices = state.Input.Participants.Select(p => new PlanNotice(p, "enforcement.reveals-requested",
            Summary(next, "Every participant has committed: reveal your nonce (POST …/draw/reveals).", deadline))).ToArray();
        return new PlanTransition(next, "plan.committed", new { department = caller, input.Commitment, attempt = draw.Attempt, allCommitted = true, revealDeadline = deadline },
            notices, PlanClocks.Start(PlanClocks.Reveal, revealClock), PlanClocks.Both(PlanClocks.Commit), []);
    }

    /// <summary>
    /// A participant reveals its nonce, which must hash to its commitment. The last reveal draws (DRAW-v1) and, in the
    /// same transition, dispatches the tasks, or records why the draw failed before anything is dispatched.
    /// </summary>
    public static PlanDecision Reveal(PlanState state, string caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if ((Participant(state, caller, "reveal a nonce for") ?? Stage(state, "reveal a nonce for", PlanStage.Revealing)) is { } rejected)
        {
            return rejected;
        }

        var draw = state.Draw!;
        if (draw.Nonces.ContainsKey(caller))
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"{caller} has already revealed its nonce for draw attempt {draw.Attempt} of plan {state.PlanId}.", Stage: PlanNames.Of(state.Stage));
        }

        var errors = new FieldErrors();
        var input = PlanInputs.Reveal(body, errors);
        if (input is not null && DrawCommitments.RevealProblem(draw.Commitments[caller], input.Nonce) is { } mismatch)
        {
            errors.Add("nonce", $"{mismatch} Send the nonce whose SHA-256 you committed.");
        }

        if (input is null || !errors.IsEmpty)
        {
            return Invalid(errors);
        }

        var nonces = new SortedDictionary<string, string>(draw.Nonces.ToDictionary(), StringComparer.Ordinal) { [caller] = input.Nonce };
        // Until the last reveal the history says who revealed, never what: nonces are published with the draw.
        if (!state.Input.Participants.All(nonces.ContainsKey))
        {
            return new PlanTransition(state with { Draw = draw with { Nonces = nonces } }, "plan.revealed", new { department = caller, attempt = draw.Attempt }, [], [], [], []);
        }

        return DrawAndDispatch(state, caller, draw with { Nonces = nonces }, now, calendar, rules);
    }

    private static PlanTransition DrawAndDispatch(PlanState state, string caller, PlanDraw draw, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        var stop = PlanClocks.Both(PlanClocks.Reveal);
        var roster = draw.RequireRoster();
        switch (DrawEngine.Draw(state.PlanId, roster, state.Input.Sampling, draw.Commitments, draw.Nonces))
        {
            case DrawRefused refused:
            {
                var failed = state with { Stage = PlanStage.DrawFailed, Draw = draw with { FailedReason = refused.Reason } };
                var body = new DrawFailedNotice(state.PlanId, draw.Attempt, refused.Reason);
                var notices = new[] { rules.Coordinator, state.Initiator }.Distinct(StringComparer.Ordinal).Select(d => new PlanNotice(d, "enforcement.draw-failed", body)).ToArray();
                return new PlanTransition(failed, "plan.draw-failed", new { department = caller, attempt = draw.Attempt, reason = refused.Reason }, notices, [], stop, []);
            }

            case DrawCompleted completed:
            {
                var record = completed.Record;
                var targets = roster.Targets.ToDictionary(t => t.TargetId, StringComparer.Ordinal);
                var departments = roster.Officers.ToDictionary(o => o.OfficerId, o => o.Department, StringComparer.Ordinal);
                var tasks = record.Selected.Select((s, i) => new PlanTask(
                    $"T{i + 1:D4}",
                    s.TargetId,
                    targets[s.TargetId].Stratum,
                    targets[s.TargetId].CreditCode,
                    s.Officers.Select(o => new TaskOfficer(departments[o], o)).ToArray(),
                    TaskStatus.Assigned)).ToArray();
                var next = state with { Stage = PlanStage.Inspecting, Draw = draw with { Record = record }, Tasks = tasks, DispatchedAt = now };
                var notices = new List<PlanNotice>();
                foreach (var department in tasks.SelectMany(t => t.Departments).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    var theirs = tasks.Where(t => t.Departments.Contains(department)).Select(t => CheckNoticeOf(state, t)).ToArray();
                    notices.Add(new PlanNotice(department, "enforcement.task-assigned", new TasksAssignedNotice(state.PlanId, department, record.RosterHash, record.Seed, theirs)));
                }

                var start = new List<PlanClockStart>();
                var stops = new List<string>(stop);
                if (tasks.Length == 0)
                {
                    next = OpenPublication(next with { Stage = PlanStage.AwaitingPublication }, ChinaTime.DateOf(now), calendar, notices, start, stops);
                }
                else
                {
                    start.AddRange(PlanClocks.Until(PlanClocks.Results, state.ResultsDue));
                }

                var details = new { department = caller, attempt = draw.Attempt, record.RosterHash, record.Seed, nonces = record.Nonces, tasks = tasks.Length };
                return new PlanTransition(next, "plan.drawn", details, notices, start, stops, []);
            }

            default:
                throw new InvalidOperationException("The draw decided neither a record nor a refusal.");
        }
    }

    private static PlanTransition? Freeze(PlanState state, DrawRoster roster, int attempt, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        if (roster.Problem() is not null)
        {
            return null;
        }

        var clock = new ClockBasis(ChinaTime.DateOf(now), rules.CommitWorkingDays);
        var rosterHash = roster.Hash();
        var draw = new PlanDraw(attempt, now, roster, rosterHash, new Dictionary<string, string>(), new Dictionary<string, string>(), clock, null, [], [], null, null)
        {
            TargetCount = roster.Targets.Count,
            OfficerCount = roster.Officers.Count,
        };
        var next = state with { Stage = PlanStage.Committing, Draw = draw, Tasks = [], DispatchedAt = null };
        var deadline = clock.On(calendar);
        var notices = state.Input.Participants.Select(p => new PlanNotice(p, "enforcement.commitments-requested",
            Summary(next, $"The roster is frozen (rosterHash {rosterHash}): commit to a secret nonce (POST …/draw/commitments).", deadline))).ToArray();
        var details = new { attempt, rosterHash, targets = roster.Targets.Count, officers = roster.Officers.Count, commitDeadline = deadline };
        return new PlanTransition(next, "plan.roster-frozen", details, notices, PlanClocks.Start(PlanClocks.Commit, clock), [], []);
    }
}
