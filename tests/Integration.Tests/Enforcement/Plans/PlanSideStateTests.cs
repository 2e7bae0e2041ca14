using System.Text.Json.Nodes;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using static Integration.Tests.Enforcement.Plans.PlanMachineTests;
using static Integration.Tests.Enforcement.Plans.PlanSamples;
using TaskStatus = Integration.Domain.Enforcement.Plans.TaskStatus;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>The plan's side states as pure functions: an officer stepping aside after the draw, a task in exception, a suspended plan.</summary>
[Trait("lane", "unit")]
public sealed class PlanSideStateTests
{
    private static readonly WorkingDayCalendar Days = PlanMachineTests.Calendar;

    [Fact]
    public void An_officer_stepping_aside_after_the_draw_is_replaced_from_the_seed_and_the_draw_still_verifies()
    {
        var state = Inspecting("recuse");
        var task = state.Tasks[0];
        var department = task.Officers[0].Department;
        var officer = task.Officers[0].OfficerId;
        var outsider = Participants.Except(task.Departments).FirstOrDefault() ?? "water";
        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.Recuse(state, outsider, task.TaskId, Recusal(officer), Monday)).Kind);
        Assert.Equal(PlanRejectionKind.NotFound, Rejection(PlanMachine.Recuse(state, department, "T9999", Recusal(officer), Monday)).Kind);
        var invalid = Rejection(PlanMachine.Recuse(state, department, task.TaskId, Json(new JsonObject { ["officerId"] = "nobody-01" }), Monday));
        Assert.Equal(["officerId", "reason"], invalid.Errors!.Keys.Order(StringComparer.Ordinal));

        var redrawn = Transition(PlanMachine.Recuse(state, department, task.TaskId, Recusal(officer), Monday.AddDays(1)));
        var updated = redrawn.State.Tasks[0];
        var recusal = Assert.Single(updated.Recusals);
        Assert.Equal((officer, 1, department), (recusal.OfficerId, recusal.Round, recusal.ReportedBy));
        Assert.DoesNotContain(updated.Officers, o => o.OfficerId == officer);
        Assert.Equal(recusal.Replacement, updated.Officers[0]);
        Assert.Equal(task.Officers[1], updated.Officers[1]);
        var record = redrawn.State.Draw!.Record!;
        var redraw = Assert.Single(record.Redraws);
        Assert.Equal(new DrawRedraw(task.TargetId, 1, officer, recusal.Replacement.OfficerId), redraw);
        Assert.Equal(updated.Officers.Select(o => o.OfficerId), record.OfficersOf(task.TargetId));
        Assert.Equal(DrawVerification.Valid, DrawEngine.Verify(record));
        Assert.Equal(updated.Departments.Union(task.Departments).Order(StringComparer.Ordinal), redrawn.Notices.Select(n => n.Recipient));
        Assert.All(redrawn.Notices, n => Assert.Equal("enforcement.task-reassigned", n.Subject));

        // The replacement steps aside too: round 2, which may not bring back the officer replaced before.
        var again = Transition(PlanMachine.Recuse(redrawn.State, updated.Officers[0].Department, task.TaskId, Recusal(recusal.Replacement.OfficerId), Monday.AddDays(1)));
        var second = again.State.Draw!.Record!.Redraws[1];
        Assert.Equal(2, second.Round);
        Assert.NotEqual(officer, second.Officer);
        Assert.Equal(DrawVerification.Valid, DrawEngine.Verify(again.State.Draw.Record));

        // A tampered replacement does not verify: the replacement is not anyone's choice.
        var chosen = record with { Redraws = [redraw with { Officer = record.Roster.Officers.Select(o => o.OfficerId).First(o => o != redraw.Officer && task.Officers.All(t => t.OfficerId != o)) }] };
        Assert.False(DrawEngine.Verify(chosen).IsValid);

        var python = FindPython();
        Assert.SkipWhen(python is null, "python3 is not on PATH, so the standalone verification script cannot be run here.");
        Assert.Equal((0, "valid"), VerifyWithScript(python!, DrawRecordJson.Write(again.State.Draw.Record)));
    }

    [Fact]
    public void A_task_with_a_result_keeps_its_officers_and_an_exhausted_pool_changes_nothing()
    {
        var state = Inspecting("recuse-done");
        var task = state.Tasks[0];
        var done = Transition(PlanMachine.Result(state, task.Departments[0], task.TaskId, Json(Result("no-problem")), Catalogue.IsDepartment, Monday.AddDays(3), Days, Rules)).State;
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.Recuse(done, task.Departments[0], task.TaskId, Recusal(task.Officers[0].OfficerId), Monday)).Kind);

        // Six officers, two on the task: after four re-draws of one seat (each replaced officer is out for good) nobody is left.
        var current = state;
        var seat = task.Officers[0].OfficerId;
        var rounds = 0;
        while (PlanMachine.Recuse(current, current.Tasks[0].Officers[0].Department, task.TaskId, Recusal(current.Tasks[0].Officers[0].OfficerId), Monday) is PlanTransition next)
        {
            current = next.State;
            rounds++;
            Assert.True(rounds <= 6, "The pool never ran out.");
        }

        var refused = Rejection(PlanMachine.Recuse(current, current.Tasks[0].Officers[0].Department, task.TaskId, Recusal(current.Tasks[0].Officers[0].OfficerId), Monday));
        Assert.Equal(PlanRejectionKind.Conflict, refused.Kind);
        Assert.Contains("No officer of the roster is left", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(6 - 2 - state.Draw!.Record!.Selected[0].Recused.Count, rounds);
        Assert.NotEqual(seat, current.Tasks[0].Officers[0].OfficerId);
        Assert.Equal(DrawVerification.Valid, DrawEngine.Verify(current.Draw!.Record!));
    }

    [Fact]
    public void An_unreachable_target_puts_its_task_in_exception_until_the_lead_department_closes_it_as_unreachable()
    {
        var drawn = Inspecting("exception");
        // The lead department (housing) takes no part in this task, so it closes it only as the lead.
        var task = drawn.Tasks[0] with { Officers = [new TaskOfficer("market", "market-01"), new TaskOfficer("transport", "transport-01")] };
        var state = drawn with { Tasks = [task, .. drawn.Tasks.Skip(1)] };
        var reason = Json(new JsonObject { ["reason"] = "登记住所为空置厂房，两次上门及电话均无法联系" });

        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.ReportException(state, "water", task.TaskId, reason, Monday, Rules)).Kind);
        Assert.Equal(["reason"], Rejection(PlanMachine.ReportException(state, "market", task.TaskId, Json(new JsonObject()), Monday, Rules)).Errors!.Keys);
        // Before the exception, the lead department may not enter the task's result.
        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.Result(state, "housing", task.TaskId, Json(Unreachable()), Catalogue.IsDepartment, Monday.AddDays(3), Days, Rules)).Kind);

        var exception = Transition(PlanMachine.ReportException(state, "market", task.TaskId, reason, Monday, Rules));
        Assert.Equal(TaskStatus.Exception, exception.State.Tasks[0].Status);
        Assert.Equal("market", exception.State.Tasks[0].Exception!.ReportedBy);
        Assert.Equal(["transport", "housing", "ndrc"], exception.Notices.Select(n => n.Recipient));
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.ReportException(exception.State, "transport", task.TaskId, reason, Monday, Rules)).Kind);

        var other = Rejection(PlanMachine.Result(exception.State, "housing", task.TaskId, Json(Result("no-problem")), Catalogue.IsDepartment, Monday.AddDays(3), Days, Rules));
        Assert.Equal(["resultCode"], other.Errors!.Keys);
        var closed = Transition(PlanMachine.Result(exception.State, "housing", task.TaskId, Json(Unreachable()), Catalogue.IsDepartment, Monday.AddDays(3), Days, Rules));
        Assert.Equal((TaskStatus.Done, "unreachable", "housing"), (closed.State.Tasks[0].Status, closed.State.Tasks[0].Result!.ResultCode, closed.State.Tasks[0].Result!.EnteredBy));
    }

    [Fact]
    public void A_suspended_plan_accepts_only_resume_and_its_clock_gets_back_the_working_days_it_had_left()
    {
        // Consultation from Monday 2 March: 3 working days, due at the end of Thursday 5 March.
        var created = Create("suspend").State;
        var tuesday = Monday.AddDays(1);
        var why = Json(new JsonObject { ["reason"] = "接上级通知，暂停本轮抽查" });
        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.Suspend(created, "market", false, why, tuesday, Days, Rules)).Kind);
        Assert.Equal(["reason"], Rejection(PlanMachine.Suspend(created, "housing", false, Json(new JsonObject()), tuesday, Days, Rules)).Errors!.Keys);

        var suspended = Transition(PlanMachine.Suspend(created, "housing", false, why, tuesday, Days, Rules));
        Assert.Equal(PlanStage.Suspended, suspended.State.Stage);
        Assert.Equal([new PausedClock(PlanClocks.Consultation, null, new DateOnly(2026, 3, 5), 2)], suspended.State.Suspension!.Clocks);
        Assert.Equal(PlanClocks.Both(PlanClocks.Consultation), suspended.Stop);

        var confirm = Rejection(PlanMachine.Confirm(suspended.State, "market", tuesday, Rules));
        Assert.Equal(PlanRejectionKind.Conflict, confirm.Kind);
        Assert.Contains("suspended", confirm.Detail, StringComparison.Ordinal);
        Assert.Contains("resume", confirm.Detail, StringComparison.Ordinal);
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.Suspend(suspended.State, "ndrc", true, why, tuesday, Days, Rules)).Kind);
        Assert.Null(PlanMachine.OnDeadline(suspended.State, PlanClocks.OverdueAction(PlanClocks.Consultation), "consultation", null, Monday.AddDays(4), Days, Rules));
        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.Resume(suspended.State, "market", false, tuesday, Days, Rules)).Kind);
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.Resume(created, "ndrc", true, tuesday, Days, Rules)).Kind);

        // Resumed on Monday 9 March: 2 working days left, due at the end of Wednesday 11 March.
        var resumed = Transition(PlanMachine.Resume(suspended.State, "ndrc", true, Monday.AddDays(7), Days, Rules));
        Assert.Equal(PlanStage.Consultation, resumed.State.Stage);
        Assert.Null(resumed.State.Suspension);
        var basis = new ClockBasis(new DateOnly(2026, 3, 9), 2);
        Assert.Equal(basis, resumed.State.Consultation.Clock);
        Assert.Equal(new DateOnly(2026, 3, 11), basis.On(Days).Deadline);
        Assert.Equal(PlanClocks.Start(PlanClocks.Consultation, basis), resumed.Start);
        Assert.Equal(PlanStage.Consultation, Transition(PlanMachine.Confirm(resumed.State, "market", Monday.AddDays(7), Rules)).State.Stage);
    }

    [Fact]
    public void Suspending_an_inspection_pauses_the_results_day_and_every_open_assistance_letter()
    {
        var state = Inspecting("suspend-inspect");
        var task = state.Tasks[0];
        var thursday = Monday.AddDays(3);
        var withLetter = Transition(PlanMachine.Result(state, task.Departments[0], task.TaskId,
            Json(Result("pending", new JsonObject { ["text"] = "资质挂靠线索", ["department"] = "police" })), Catalogue.IsDepartment, thursday, Days, Rules)).State;
        var letter = Assert.Single(withLetter.Letters);

        var suspended = Transition(PlanMachine.Suspend(withLetter, "ndrc", true, Json(new JsonObject { ["reason"] = "涉案企业进入司法程序" }), thursday, Days, Rules));
        var results = new DateOnly(2026, 3, 31);
        Assert.Equal(
            [
                new PausedClock(PlanClocks.Results, null, results, Days.WorkingDaysBetween(new DateOnly(2026, 3, 5), results)),
                new PausedClock(PlanClocks.Assistance, letter.LetterId, letter.Clock.On(Days).Deadline, 3),
            ],
            suspended.State.Suspension!.Clocks);
        Assert.Equal([.. PlanClocks.Both(PlanClocks.Results), .. PlanClocks.Both(PlanClocks.Assistance, letter.LetterId)], suspended.Stop);
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.AnswerAssistance(suspended.State, "police", letter.LetterId, Json(new JsonObject { ["accepted"] = true, ["reply"] = "收到" }), thursday, Days)).Kind);
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.Result(suspended.State, state.Tasks[1].Departments[0], state.Tasks[1].TaskId, Json(Result("no-problem")), Catalogue.IsDepartment, thursday, Days, Rules)).Kind);

        var monday16 = new DateTimeOffset(2026, 3, 16, 9, 0, 0, TimeSpan.FromHours(8));
        var resumed = Transition(PlanMachine.Resume(suspended.State, "housing", false, monday16, Days, Rules));
        var left = suspended.State.Suspension.Clocks[0].WorkingDaysLeft;
        var newDay = Days.AddWorkingDays(new DateOnly(2026, 3, 16), left).Deadline;
        Assert.True(newDay > results);
        Assert.Equal(newDay, resumed.State.ResultsDue);
        Assert.Equal(new ClockBasis(new DateOnly(2026, 3, 16), 3), resumed.State.Letters[0].Clock);
        Assert.Contains(resumed.Start, c => c.Name == "results" && c.Until == newDay);
        Assert.Contains(resumed.Start, c => c.Name == $"assistance.{letter.LetterId}" && c.Basis == new ClockBasis(new DateOnly(2026, 3, 16), 3));

        // A result entered after the window but before the moved day is on time.
        var late = Transition(PlanMachine.Result(resumed.State, state.Tasks[1].Departments[0], state.Tasks[1].TaskId, Json(Result("no-problem")), Catalogue.IsDepartment,
            new DateTimeOffset(newDay.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8)), Days, Rules));
        Assert.False(late.State.Tasks[1].Result!.Lateness.Late);
    }

    private static System.Text.Json.JsonElement Recusal(string officerId) =>
        Json(new JsonObject { ["officerId"] = officerId, ["reason"] = "该执法人员与被检查单位负责人系近亲属" });

    private static JsonObject Unreachable() => Result("unreachable", new JsonObject { ["text"] = "通过登记的住所（经营场所）无法联系" });
}
