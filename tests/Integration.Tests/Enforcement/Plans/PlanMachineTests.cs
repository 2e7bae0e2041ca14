using System.Text.Json.Nodes;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Kernel;
using Integration.Tests.Support;
using static Integration.Tests.Enforcement.Plans.PlanSamples;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>The plan's rules as pure functions: no host, no store, the repository's calendar.</summary>
[Trait("lane", "unit")]
public sealed class PlanMachineTests
{
    /// <summary>Monday 2 March 2026, 10:00 in China.</summary>
    internal static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(8));

    internal static readonly Domain.Calendar.WorkingDayCalendar Calendar = TestCalendar.Instance;

    [Fact]
    public void Every_invalid_field_of_a_plan_is_listed_at_once()
    {
        var body = Plan("bad plan id!");
        body["title"] = "";
        body["kind"] = "raid";
        body["leadDepartment"] = "forestry";
        body["participants"] = new JsonArray("housing", "nobody", "housing");
        body["matters"] = new JsonArray();
        body["scope"] = new JsonObject { ["regions"] = new JsonArray("37100"), ["industries"] = new JsonArray("mining") };
        body["sampling"] = new JsonObject { ["strata"] = new JsonArray(new JsonObject { ["name"] = "all", ["ratioPercent"] = 5.125 }) };
        body["officersPerTarget"] = 1;
        body["window"] = new JsonObject { ["from"] = "2026-03-31", ["to"] = "2026-03-02" };
        body["publishWithinWorkingDays"] = 0;

        var errors = new FieldErrors();
        Assert.Null(PlanInputs.Plan(Json(body), errors, DateOnly.FromDateTime(Monday.DateTime), Catalogue));
        Assert.Equal(
            new[]
            {
                "kind", "leadDepartment", "matters", "officersPerTarget", "participants[1]", "participants[2]", "planId", "publishWithinWorkingDays",
                "sampling.strata[0].ratioPercent", "scope.industries[0]", "scope.regions[0]", "title", "window.to",
            },
            errors.ToDictionary().Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void A_plan_without_sampling_gets_the_defaults_of_the_issue()
    {
        var body = Plan("defaults");
        body.Remove("sampling");
        body.Remove("officersPerTarget");
        body.Remove("publishWithinWorkingDays");
        var errors = new FieldErrors();
        var input = PlanInputs.Plan(Json(body), errors, new DateOnly(2026, 3, 2), Catalogue);
        Assert.True(errors.IsEmpty);
        Assert.Equal([new SamplingStratum("all", 5m, 1)], input!.Strata);
        Assert.Equal(2, input.OfficersPerTarget);
        Assert.Equal(5, input.PublishWithinWorkingDays);
    }

    [Fact]
    public void An_objection_returns_the_plan_and_an_amendment_consults_again_until_everyone_confirms()
    {
        var created = Create("consult");
        Assert.Equal(PlanStage.Consultation, created.State.Stage);
        Assert.Equal(Participants, created.Notices.Where(n => n.Subject == "enforcement.consultation-requested").Select(n => n.Recipient));
        Assert.Contains(created.Start, c => c.Name == "consultation" && c.Basis == new Domain.Calendar.ClockBasis(new DateOnly(2026, 3, 2), 3));

        var confirmed = Transition(PlanMachine.Confirm(created.State, "housing", Monday, Rules));
        var objected = Transition(PlanMachine.Object(confirmed.State, "market", Body("reason", "抽查比例过高，建议调整为20%"), Monday, Rules));
        Assert.Equal(PlanStage.Returned, objected.State.Stage);
        Assert.Equal(["ndrc", "transport"], objected.Notices.Select(n => n.Recipient).Order());
        Assert.Equal(PlanClocks.Both(PlanClocks.Consultation), objected.Stop);

        // Only the initiator amends; a participant confirming a returned plan is refused as a conflict.
        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.Amend(objected.State, "housing", Input("consult"), new FieldErrors(), Monday, Calendar, Rules)).Kind);
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.Confirm(objected.State, "transport", Monday, Rules)).Kind);

        var amended = Transition(PlanMachine.Amend(objected.State, "transport", Input("consult", ratio: 20), new FieldErrors(), Monday.AddDays(1), Calendar, Rules));
        Assert.Equal(PlanStage.Consultation, amended.State.Stage);
        Assert.Equal(2, amended.State.Consultation.Round);
        Assert.Empty(amended.State.Consultation.Responses);

        var state = amended.State;
        foreach (var department in Participants)
        {
            state = Transition(PlanMachine.Confirm(state, department, Monday.AddDays(2), Rules)).State;
        }

        Assert.Equal(PlanStage.AwaitingApproval, state.Stage);
        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.Approve(state, "housing", false, Roster(), Monday, Calendar, Rules)).Kind);
        var approved = Transition(PlanMachine.Approve(state, "ndrc", true, Roster(), Monday.AddDays(2), Calendar, Rules));
        Assert.Equal(PlanStage.Committing, approved.State.Stage);
        Assert.Equal(Roster().Hash(), approved.State.Draw!.RosterHash);
    }

    [Fact]
    public void A_wrong_reveal_is_refused_and_the_last_reveal_draws_a_record_anyone_can_verify()
    {
        var state = Revealing("draw");
        var refused = Rejection(PlanMachine.Reveal(state, "housing", Body("nonce", Nonce("draw", "market")), Monday, Calendar, Rules));
        Assert.Equal(PlanRejectionKind.Invalid, refused.Kind);
        Assert.Contains("does not hash to the commitment", Assert.Single(refused.Errors!["nonce"]), StringComparison.Ordinal);

        var first = Transition(PlanMachine.Reveal(state, "housing", Body("nonce", Nonce("draw", "housing")), Monday, Calendar, Rules));
        Assert.Equal(PlanStage.Revealing, first.State.Stage);
        Assert.DoesNotContain(Nonce("draw", "housing"), System.Text.Json.JsonSerializer.Serialize(first.Details), StringComparison.Ordinal);
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.Reveal(first.State, "housing", Body("nonce", Nonce("draw", "housing")), Monday, Calendar, Rules)).Kind);

        var drawn = RevealAll(first.State, "draw", ["market", "transport"]);
        Assert.Equal(PlanStage.Inspecting, drawn.State.Stage);
        var record = drawn.State.Draw!.Record!;
        Assert.True(DrawEngine.Verify(record).IsValid);
        Assert.Equal(2, drawn.State.Tasks.Count);
        Assert.All(drawn.State.Tasks, t => Assert.Equal(2, t.Officers.Count));
        Assert.All(drawn.Notices, n => Assert.Equal("enforcement.task-assigned", n.Subject));
        Assert.Equal(drawn.State.Tasks.SelectMany(t => t.Departments).Distinct().Order(), drawn.Notices.Select(n => n.Recipient).Order());
        Assert.Contains(drawn.Start, c => c.Name == "results" && c.Until == new DateOnly(2026, 3, 31));

        var python = FindPython();
        Assert.SkipWhen(python is null, "python3 is not on PATH, so the standalone verification script cannot be run here.");
        Assert.Equal((0, "valid"), VerifyWithScript(python!, DrawRecordJson.Write(record)));
    }

    [Fact]
    public void Too_few_officers_fail_the_draw_with_its_reason_before_anything_is_dispatched()
    {
        var state = Revealing("short", officersPerTarget: 4, officersPerDepartment: 1);
        var failed = RevealAll(state, "short", Participants);
        Assert.Equal(PlanStage.DrawFailed, failed.State.Stage);
        Assert.Contains("officers", failed.State.Draw!.FailedReason, StringComparison.Ordinal);
        Assert.Empty(failed.State.Tasks);
        Assert.All(failed.Notices, n => Assert.Equal("enforcement.draw-failed", n.Subject));
        Assert.Empty(failed.Start);

        var restarted = Transition(PlanMachine.Restart(failed.State, true, Roster(officersPerDepartment: 3), Monday.AddDays(1), Calendar, Rules));
        Assert.Equal(PlanStage.Committing, restarted.State.Stage);
        Assert.Equal(2, restarted.State.Draw!.Attempt);
        Assert.Empty(restarted.State.Draw.Commitments);
    }

    [Fact]
    public void Results_are_entered_by_the_officers_departments_once_and_open_publication_when_complete()
    {
        var state = Inspecting("results");
        var task = state.Tasks[0];
        var outsider = Participants.Except(task.Departments).FirstOrDefault() ?? "water";
        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.Result(state, outsider, task.TaskId, Json(Result("no-problem")), Catalogue.IsDepartment, Monday, Calendar, Rules)).Kind);
        Assert.Equal(PlanRejectionKind.NotFound, Rejection(PlanMachine.Result(state, task.Departments[0], "T9999", Json(Result("no-problem")), Catalogue.IsDepartment, Monday, Calendar, Rules)).Kind);
        var invalid = Rejection(PlanMachine.Result(state, task.Departments[0], task.TaskId, Json(new JsonObject { ["resultCode"] = "pending" }), Catalogue.IsDepartment, Monday, Calendar, Rules));
        Assert.Equal(["completedAt", "findings"], invalid.Errors!.Keys.Order());

        var result = Result("pending", new JsonObject { ["text"] = "投标人A与B的投标文件机器码一致", ["category"] = "bid-rigging", ["department"] = "police" });
        var first = Transition(PlanMachine.Result(state, task.Departments[0], task.TaskId, Json(result), Catalogue.IsDepartment, Monday.AddDays(3), Calendar, Rules));
        var letter = Assert.Single(first.State.Letters);
        Assert.Equal(("police", task.Departments[0]), (letter.To, letter.From));
        Assert.Contains(first.Notices, n => n.Recipient == "police" && n.Subject == "enforcement.assistance-requested");
        Assert.Contains(first.Notices, n => n.Recipient == "ndrc" && n.Subject == "enforcement.lead-candidate");
        Assert.Contains(first.Start, c => c.Name == $"assistance.{letter.LetterId}");
        Assert.Equal(PlanRejectionKind.Conflict, Rejection(PlanMachine.Result(first.State, task.Departments[0], task.TaskId, Json(Result("no-problem")), Catalogue.IsDepartment, Monday, Calendar, Rules)).Kind);

        var second = state.Tasks[1];
        var last = Transition(PlanMachine.Result(first.State, second.Departments[^1], second.TaskId, Json(Result("corrected", new JsonObject { ["text"] = "已责令改正" })), Catalogue.IsDepartment, Monday.AddDays(3), Calendar, Rules));
        Assert.Equal(PlanStage.AwaitingPublication, last.State.Stage);
        Assert.Equal(new Domain.Calendar.ClockBasis(new DateOnly(2026, 3, 5), 5), last.State.PublishClock);
        Assert.Contains(last.Notices, n => n.Recipient == "housing" && n.Subject == "enforcement.publication-due");

        Assert.Equal(PlanRejectionKind.Forbidden, Rejection(PlanMachine.Publish(last.State, "market", Monday.AddDays(4), Calendar, Rules)).Kind);
        var published = Transition(PlanMachine.Publish(last.State, "housing", Monday.AddDays(4), Calendar, Rules));
        Assert.Equal(PlanStage.Closed, published.State.Stage);
        Assert.False(published.State.Publication!.Lateness.Late);
        var expected = Participants.Order(StringComparer.Ordinal).Select(d => new DepartmentSummary(
            d,
            state.Tasks.Count(t => t.Departments.Contains(d)),
            state.Tasks.Count(t => t.Departments.Contains(d)),
            second.Departments.Contains(d) ? 1 : 0,
            task.Departments.Contains(d) ? 1 : 0));
        Assert.Equal(expected, published.State.Summary);
        Assert.Contains(published.Notices, n => n.Recipient == "ndrc" && n.Subject == "enforcement.summary");
    }

    [Fact]
    public void A_consultation_reminder_goes_to_those_who_have_not_answered_and_a_stale_one_does_nothing()
    {
        var created = Create("remind");
        var state = Transition(PlanMachine.Confirm(created.State, "housing", Monday, Rules)).State;
        var reminder = PlanMachine.OnDeadline(state, PlanClocks.ReminderAction(PlanClocks.Consultation), "consultation-reminder", null, Monday.AddDays(2), Calendar, Rules);
        Assert.Equal(["market", "transport"], reminder!.Notices.Select(n => n.Recipient));
        var overdue = PlanMachine.OnDeadline(state, PlanClocks.OverdueAction(PlanClocks.Consultation), "consultation", null, Monday.AddDays(3), Calendar, Rules);
        Assert.Equal(["market", "transport", "ndrc"], overdue!.Notices.Select(n => n.Recipient));
        Assert.NotNull(overdue.State.Consultation.OverdueAt);

        var returned = Transition(PlanMachine.Object(state, "market", Body("reason", "不同意"), Monday, Rules)).State;
        Assert.Null(PlanMachine.OnDeadline(returned, PlanClocks.OverdueAction(PlanClocks.Consultation), "consultation", null, Monday.AddDays(3), Calendar, Rules));
    }

    internal static JsonObject Result(string code, params JsonObject[] findings) => new()
    {
        ["resultCode"] = code,
        ["findings"] = new JsonArray(findings.Select(f => (JsonNode)f).ToArray()),
        ["completedAt"] = "2026-03-04T16:00:00+08:00",
    };

    internal static PlanInput Input(string planId, int ratio = 50, int officersPerTarget = 2)
    {
        var body = Plan(planId);
        body["sampling"]!["strata"]![0]!["ratioPercent"] = ratio;
        body["officersPerTarget"] = officersPerTarget;
        var errors = new FieldErrors();
        return PlanInputs.Plan(Json(body), errors, new DateOnly(2026, 3, 2), Catalogue) ?? throw new InvalidOperationException(string.Join("; ", errors.ToDictionary().Keys));
    }

    internal static PlanTransition Create(string planId, int officersPerTarget = 2) =>
        PlanMachine.Create(Input(planId, officersPerTarget: officersPerTarget), "transport", Monday, Calendar, Rules);

    internal static PlanState Revealing(string planId, int officersPerTarget = 2, int officersPerDepartment = 2)
    {
        var state = Create(planId, officersPerTarget).State;
        foreach (var department in Participants)
        {
            state = Transition(PlanMachine.Confirm(state, department, Monday, Rules)).State;
        }

        state = Transition(PlanMachine.Approve(state, "ndrc", true, Roster(officersPerDepartment), Monday, Calendar, Rules)).State;
        foreach (var department in Participants)
        {
            state = Transition(PlanMachine.Commit(state, department, Body("commitment", DrawCommitments.Commit(Nonce(planId, department))), Monday, Calendar, Rules)).State;
        }

        Assert.Equal(PlanStage.Revealing, state.Stage);
        return state;
    }

    internal static PlanTransition RevealAll(PlanState state, string planId, IEnumerable<string> departments)
    {
        PlanTransition? last = null;
        foreach (var department in departments)
        {
            last = Transition(PlanMachine.Reveal(last?.State ?? state, department, Body("nonce", Nonce(planId, department)), Monday, Calendar, Rules));
        }

        return last!;
    }

    internal static PlanState Inspecting(string planId) => RevealAll(Revealing(planId), planId, Participants).State;

    internal static PlanTransition Transition(PlanDecision decision) =>
        decision as PlanTransition ?? throw new Xunit.Sdk.XunitException($"Expected a transition, got {decision}: {(decision as PlanRejection)?.Detail} {string.Join("; ", (decision as PlanRejection)?.Errors?.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}") ?? [])}");

    internal static PlanRejection Rejection(PlanDecision decision) =>
        decision as PlanRejection ?? throw new Xunit.Sdk.XunitException($"Expected a rejection, got {decision}");
}
