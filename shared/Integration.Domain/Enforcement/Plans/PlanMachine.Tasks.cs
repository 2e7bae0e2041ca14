using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>Tasks: results, recusals, exceptions, findings that become leads, assistance letters and publication.</summary>
public static partial class PlanMachine
{
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
}
