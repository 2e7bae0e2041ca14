using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>
/// The joint-enforcement plan's state machine, as pure functions of (state, caller, input, now, calendar). Every
/// command is checked in the same order: may the caller do it at all (403), is the plan in a stage that allows it
/// (409), is the input valid (400); only then does it produce a transition.
/// </summary>
public static class PlanMachine
{
    public const string Kind = "plan";

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

    /// <summary>A department of the task's officers enters the task's result; the last result opens publication.</summary>
    public static PlanDecision Result(PlanState state, string caller, string taskId, JsonElement body, Func<string, bool> isDepartment, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (state.Task(taskId) is not { } task)
        {
            return new PlanRejection(PlanRejectionKind.NotFound, $"Plan {state.PlanId} has no task {TextRules.Echo(taskId)}.");
        }

        // A task in exception may also be closed by the lead department, as unreachable, when its own departments cannot go on.
        var closingException = task.Status == TaskStatus.Exception && caller == state.Input.LeadDepartment && !task.Departments.Contains(caller);
        if (!task.Departments.Contains(caller) && !closingException)
        {
            return Forbidden($"Task {taskId} of plan {state.PlanId} is inspected by {string.Join(", ", task.Departments)}; '{caller}' may not enter its result"
                + (task.Status == TaskStatus.Exception ? $" (the lead department {state.Input.LeadDepartment} may close it as 'unreachable')." : "."));
        }

        if (Stage(state, "enter a result for", PlanStage.Inspecting) is { } rejected)
        {
            return rejected;
        }

        if (task.Status == TaskStatus.Done)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"Task {taskId} already has its result, entered by {task.Result!.EnteredBy}.", Stage: PlanNames.Of(TaskStatus.Done));
        }

        var errors = new FieldErrors();
        var input = PlanInputs.Result(body, errors, now, isDepartment);
        if (closingException && input is not null && input.ResultCode != "unreachable")
        {
            errors.Add("resultCode", $"The lead department closes a task in exception only as 'unreachable' ({PlanVocabulary.ResultCodes["unreachable"]}); the task's departments enter any other result.");
        }

        if (input is null || !errors.IsEmpty)
        {
            return Invalid(errors);
        }

        var lateness = PlanClocks.MeasureUntil(calendar, state.ResultsDue, now);
        var done = task with { Status = TaskStatus.Done, Result = new TaskResult(input.ResultCode, input.Findings, input.CompletedAt, caller, now, lateness) };
        var tasks = state.Tasks.Select(t => t.TaskId == taskId ? done : t).ToArray();
        var notices = new List<PlanNotice>();
        var start = new List<PlanClockStart>();
        var letters = state.Letters.ToList();
        foreach (var finding in input.Findings.Where(f => f.Department is not null && f.Department != caller))
        {
            var letterId = $"{taskId}-L{letters.Count(l => l.TaskId == taskId) + 1}";
            var clock = new ClockBasis(ChinaTime.DateOf(now), rules.AssistanceWorkingDays);
            letters.Add(new AssistanceLetter(letterId, taskId, caller, finding.Department!, finding.Text, now, clock));
            notices.Add(new PlanNotice(finding.Department!, "enforcement.assistance-requested",
                new AssistanceNotice(state.PlanId, letterId, taskId, task.TargetId, caller, finding.Department!, finding.Text, clock.On(calendar))));
            start.AddRange(PlanClocks.Start(PlanClocks.Assistance, clock, letterId));
        }

        foreach (var (finding, index) in input.Findings.Select((f, i) => (f, i)).Where(p => FindingLeads.MayBecomeLead(p.f)))
        {
            notices.Add(new PlanNotice(rules.Coordinator, "enforcement.lead-candidate",
                new LeadCandidateNotice(state.PlanId, taskId, task.TargetId, task.CreditCode, finding.Category, finding.Text, caller, index)));
        }

        var next = state with { Tasks = tasks, Letters = letters };
        var stop = new List<string>();
        var allDone = tasks.All(t => t.Status == TaskStatus.Done);
        if (allDone)
        {
            next = OpenPublication(next with { Stage = PlanStage.AwaitingPublication }, ChinaTime.DateOf(now), calendar, notices, start, stop);
        }

        var details = new
        {
            taskId,
            department = caller,
            input.ResultCode,
            findings = input.Findings.Count,
            late = lateness.Late,
            workingDaysLate = lateness.WorkingDaysLate,
            assistanceLetters = letters.Skip(state.Letters.Count).Select(l => new { l.LetterId, l.To }).ToArray(),
            allResultsIn = allDone,
        };
        return new PlanTransition(next, "plan.result-entered", details, notices, start, stop, []);
    }

    /// <summary>
    /// A department of the task reports that one of its officers must step aside (回避) after the draw: the replacement
    /// is re-drawn from the draw's seed (DRAW-v1 §6) and recorded in the draw record, so the draw still verifies.
    /// </summary>
    public static PlanDecision Recuse(PlanState state, string caller, string taskId, JsonElement body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Task(taskId) is not { } task)
        {
            return new PlanRejection(PlanRejectionKind.NotFound, $"Plan {state.PlanId} has no task {TextRules.Echo(taskId)}.");
        }

        if (!task.Departments.Contains(caller))
        {
            return Forbidden($"Task {taskId} of plan {state.PlanId} is inspected by {string.Join(", ", task.Departments)}; '{caller}' may not report a recusal on it.");
        }

        if (Stage(state, "report a recusal on", PlanStage.Inspecting) is { } rejected)
        {
            return rejected;
        }

        if (task.Status == TaskStatus.Done)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"Task {taskId} already has its result; its officers are no longer replaced.", Stage: PlanNames.Of(TaskStatus.Done));
        }

        var errors = new FieldErrors();
        if (PlanInputs.Recusal(body, errors, officerId => task.Officers.Any(o => o.OfficerId == officerId)
                ? null
                : $"{TextRules.Echo(officerId)} is not an officer of task {taskId} (its officers are {string.Join(", ", task.Officers.Select(o => o.OfficerId))}).") is not { } input)
        {
            return Invalid(errors);
        }

        var replaced = task.Officers.First(o => o.OfficerId == input.OfficerId);
        if (replaced.Department != caller)
        {
            // Known only once the body names the officer: a department answers for its own officers' conflicts, not another's.
            return Forbidden($"Officer {input.OfficerId} of task {taskId} belongs to {replaced.Department}; '{caller}' reports recusals of its own officers only.");
        }

        var draw = state.Draw!;
        var record = draw.Record!;
        var (redraw, problem) = DrawEngine.Redraw(record, task.TargetId, input.OfficerId);
        if (redraw is null)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"{problem} Nothing was changed; the task's department may report the task as an exception instead.", Stage: PlanNames.Of(state.Stage));
        }

        var replacement = new TaskOfficer(draw.RequireRoster().Officers.First(o => o.OfficerId == redraw.Officer).Department, redraw.Officer);
        var updated = task with
        {
            Officers = task.Officers.Select(o => o.OfficerId == input.OfficerId ? replacement : o).ToArray(),
            Recusals = [.. task.Recusals, new TaskRecusal(input.OfficerId, replaced.Department, input.Reason, caller, now, redraw.Round, replacement)],
        };
        var next = state with
        {
            Draw = draw with { Record = record with { Redraws = [.. record.Redraws, redraw] } },
            Tasks = state.Tasks.Select(t => t.TaskId == taskId ? updated : t).ToArray(),
        };
        var notice = new TaskReassignedNotice(state.PlanId, taskId, task.TargetId, input.OfficerId, replacement, redraw.Round, input.Reason, CheckNoticeOf(next, updated));
        var notices = task.Departments.Union(updated.Departments, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(d => new PlanNotice(d, "enforcement.task-reassigned", notice)).ToArray();
        var details = new { taskId, department = caller, officerId = input.OfficerId, input.Reason, redraw.Round, replacement = replacement.OfficerId, replacementDepartment = replacement.Department, label = DrawEngine.RedrawLabel(task.TargetId, redraw.Round) };
        return new PlanTransition(next, "plan.officer-redrawn", details, notices, [], [], []);
    }

    /// <summary>
    /// The target of a task cannot be inspected (unreachable at its registered address): a department of the task, or
    /// the lead department, puts the task in exception with the reason. The task then waits for its result: its
    /// departments enter one if the target is reached after all, or the lead department closes it as <c>unreachable</c>.
    /// </summary>
    public static PlanDecision ReportException(PlanState state, string caller, string taskId, JsonElement body, DateTimeOffset now, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (state.Task(taskId) is not { } task)
        {
            return new PlanRejection(PlanRejectionKind.NotFound, $"Plan {state.PlanId} has no task {TextRules.Echo(taskId)}.");
        }

        if (!task.Departments.Contains(caller) && caller != state.Input.LeadDepartment)
        {
            return Forbidden($"Task {taskId} of plan {state.PlanId} is inspected by {string.Join(", ", task.Departments)}; '{caller}' (neither one of them nor the lead department) may not report it as an exception.");
        }

        if (Stage(state, "report an exception on", PlanStage.Inspecting) is { } rejected)
        {
            return rejected;
        }

        if (task.Status != TaskStatus.Assigned)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"Task {taskId} is '{PlanNames.Of(task.Status)}'; only an assigned task can be reported as an exception.", Stage: PlanNames.Of(task.Status));
        }

        var errors = new FieldErrors();
        if (PlanInputs.Objection(body, errors) is not { } input)
        {
            return Invalid(errors);
        }

        var updated = task with { Status = TaskStatus.Exception, Exception = new TaskException(input.Reason, caller, now) };
        var next = state with { Tasks = state.Tasks.Select(t => t.TaskId == taskId ? updated : t).ToArray() };
        var exceptionNotice = new TaskExceptionNotice(state.PlanId, taskId, task.TargetId, task.CreditCode, input.Reason, caller, now);
        var notices = task.Departments.Append(state.Input.LeadDepartment).Append(rules.Coordinator).Where(d => d != caller).Distinct(StringComparer.Ordinal)
            .Select(d => new PlanNotice(d, "enforcement.task-exception", exceptionNotice)).ToArray();
        return new PlanTransition(next, "plan.task-exception", new { taskId, department = caller, input.Reason }, notices, [], [], []);
    }

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

    /// <summary>
    /// Why the caller may not turn finding <paramref name="finding"/> of a task into a lead, or null. ndrc or the
    /// department that entered the result may; the task must have its result and the finding be bid rigging or fraud.
    /// </summary>
    public static PlanRejection? CheckFindingLead(PlanState state, string caller, bool isCoordinator, string taskId, int finding)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Task(taskId) is not { } task)
        {
            return new PlanRejection(PlanRejectionKind.NotFound, $"Plan {state.PlanId} has no task {TextRules.Echo(taskId)}.");
        }

        // Before the result, its departments (one of which will enter the findings) are told there is none yet, not refused.
        if (!isCoordinator && caller != task.Result?.EnteredBy && !(task.Result is null && task.Departments.Contains(caller)))
        {
            return Forbidden(task.Result is null
                ? $"Only the coordinator or the department that enters the findings of task {taskId} of plan {state.PlanId} may turn one into a lead."
                : $"Only the coordinator or {task.Result.EnteredBy}, which entered the findings of task {taskId}, may turn one into a lead.");
        }

        if (state.Stage == PlanStage.Suspended)
        {
            return SuspendedRejection(state, "turn a finding into a lead for");
        }

        if (task.Result is not { } result)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"Task {taskId} of plan {state.PlanId} has no result yet, so no findings.", Stage: PlanNames.Of(task.Status));
        }

        if (finding < 0 || finding >= result.Findings.Count)
        {
            return new PlanRejection(PlanRejectionKind.NotFound, $"Task {taskId} of plan {state.PlanId} has {result.Findings.Count} finding(s), numbered from 0; there is no finding {finding}.");
        }

        return FindingLeads.MayBecomeLead(result.Findings[finding])
            ? null
            : new PlanRejection(PlanRejectionKind.Conflict, $"Finding {finding} of task {taskId} is '{result.Findings[finding].Category}'; only bid-rigging and fraud findings become leads.", Stage: PlanNames.Of(task.Status));
    }

    /// <summary>Records on the task that its finding became lead <paramref name="leadId"/>; a finding already linked is a conflict (nothing to do).</summary>
    public static PlanDecision LinkLead(PlanState state, string caller, string taskId, int finding, string leadId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Task(taskId) is not { } task)
        {
            return new PlanRejection(PlanRejectionKind.NotFound, $"Plan {state.PlanId} has no task {TextRules.Echo(taskId)}.");
        }

        if (task.Leads.FirstOrDefault(l => l.Finding == finding) is { } linked)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"Finding {finding} of task {taskId} is lead {linked.LeadId} already.", Stage: PlanNames.Of(task.Status));
        }

        var updated = task with { Leads = [.. task.Leads, new FindingLead(finding, leadId, caller, now)] };
        var next = state with { Tasks = state.Tasks.Select(t => t.TaskId == taskId ? updated : t).ToArray() };
        return new PlanTransition(next, "plan.finding-lead", new { taskId, finding, leadId, by = caller }, [], [], [], []);
    }

    /// <summary>The department a letter of assistance was sent to answers it (accepting, or returning it with reasons).</summary>
    public static PlanDecision AnswerAssistance(PlanState state, string caller, string letterId, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Letters.FirstOrDefault(l => l.LetterId == letterId) is not { } letter)
        {
            return new PlanRejection(PlanRejectionKind.NotFound, $"Plan {state.PlanId} has no assistance letter {TextRules.Echo(letterId)}.");
        }

        if (letter.To != caller)
        {
            return Forbidden($"Assistance letter {letterId} was sent to {letter.To}; '{caller}' may not answer it.");
        }

        if (state.Stage == PlanStage.Suspended)
        {
            return SuspendedRejection(state, "answer an assistance letter of");
        }

        if (letter.AnsweredAt is not null)
        {
            return new PlanRejection(PlanRejectionKind.Conflict, $"Assistance letter {letterId} was answered at {letter.AnsweredAt:O}.", Stage: "answered");
        }

        var errors = new FieldErrors();
        if (PlanInputs.AssistanceAnswer(body, errors) is not { } input)
        {
            return Invalid(errors);
        }

        var lateness = LeadClocks.Measure(calendar, letter.Clock, now);
        var answered = letter with { AnsweredAt = now, Accepted = input.Accepted, Reply = input.Reply, Lateness = lateness };
        var next = state with { Letters = state.Letters.Select(l => l.LetterId == letterId ? answered : l).ToArray() };
        var notice = new PlanNotice(letter.From, "enforcement.assistance-answered", new AssistanceAnswerNotice(state.PlanId, letterId, caller, input.Accepted, input.Reply, lateness));
        return new PlanTransition(next, "plan.assistance-answered", new { letterId, department = caller, input.Accepted, late = lateness.Late },
            [notice], [], PlanClocks.Both(PlanClocks.Assistance, letterId), []);
    }

    /// <summary>The lead department publishes the results; the plan closes with a summary per department.</summary>
    public static PlanDecision Publish(PlanState state, string caller, DateTimeOffset now, WorkingDayCalendar calendar, PlanRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (caller != state.Input.LeadDepartment)
        {
            return Forbidden($"Only the lead department ({state.Input.LeadDepartment}) publishes plan {state.PlanId}.");
        }

        if (Stage(state, "publish", PlanStage.AwaitingPublication) is { } rejected)
        {
            return rejected;
        }

        var clock = state.PublishClock!;
        var lateness = LeadClocks.Measure(calendar, clock, now);
        var summary = Summarise(state);
        var next = state with
        {
            Stage = PlanStage.Closed,
            Publication = new PlanPublication(now, caller, clock, lateness),
            Summary = summary,
        };
        var published = new PublishedNotice(state.PlanId, state.Input.Title, now, lateness, summary);
        var notices = state.Parties.Select(p => new PlanNotice(p, "enforcement.published", published))
            .Concat(new[] { state.Initiator, rules.Coordinator }.Distinct(StringComparer.Ordinal).Select(p => new PlanNotice(p, "enforcement.summary", published)))
            .ToArray();
        var details = new { publishedBy = caller, publishDeadline = clock.On(calendar), late = lateness.Late, workingDaysLate = lateness.WorkingDaysLate, summary };
        return new PlanTransition(next, "plan.published", details, notices, [], PlanClocks.Both(PlanClocks.Publish), []);
    }

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

    /// <summary>Starts the publication clock unless it runs already (the earlier of the last result and the window's end starts it).</summary>
    private static PlanState OpenPublication(PlanState state, DateOnly from, WorkingDayCalendar calendar, List<PlanNotice> notices, List<PlanClockStart> start, List<string> stop)
    {
        if (state.Stage == PlanStage.AwaitingPublication)
        {
            stop.AddRange(PlanClocks.Both(PlanClocks.Results));
        }

        if (state.PublishClock is not null)
        {
            return state;
        }

        var clock = new ClockBasis(from < state.ResultsDue ? from : state.ResultsDue, state.Input.PublishWithinWorkingDays);
        start.AddRange(PlanClocks.Start(PlanClocks.Publish, clock));
        notices.Add(new PlanNotice(state.Input.LeadDepartment, "enforcement.publication-due",
            Summary(state, $"Publish the results of plan {state.PlanId} (POST …/publish).", clock.On(calendar))));
        return state with { PublishClock = clock };
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

    private static CheckNotice CheckNoticeOf(PlanState state, PlanTask task) => new(
        state.PlanId,
        task.TaskId,
        task.TargetId,
        task.CreditCode,
        task.Officers,
        state.Input.Matters,
        state.Input.Window,
        state.Input.Kind == "joint-inspection" ? "联合实地检查" : "双随机实地检查",
        ["营业执照及资质证书", .. state.Input.Matters.Select(m => $"与“{m.Name}”有关的文件和记录")],
        state.Input.LeadDepartment);

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

    private static DateTimeOffset Due(ClockBasis clock, WorkingDayCalendar calendar) => clock.On(calendar).DueAt;

    private static PlanSummaryNotice Summary(PlanState state, string message, WorkingDayDeadline? deadline) => new(
        state.PlanId, state.Input.Title, state.Input.Kind, state.Initiator, state.Input.LeadDepartment, state.Input.Participants, state.Input.Window, message, deadline);

    private static PlanNotice[] ConsultationRequests(PlanState state, WorkingDayCalendar calendar)
    {
        var deadline = state.Consultation.Clock.On(calendar);
        var body = Summary(state, $"Confirm or object to plan {state.PlanId} (会商, round {state.Consultation.Round}).", deadline);
        return state.Input.Participants.Select(p => new PlanNotice(p, "enforcement.consultation-requested", body)).ToArray();
    }

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
