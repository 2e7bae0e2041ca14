using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Reports.Meetings;
using Integration.Tests.Support;

namespace Integration.Tests.Reports.Meetings;

/// <summary>The meeting's pure decisions: who may act, in which state, on which input, and what each transition starts or stops.</summary>
[Trait("lane", "unit")]
public sealed class MeetingMachineTests
{
    private static readonly WorkingDayCalendar Calendar = TestCalendar.Instance;
    private static readonly MeetingRules Rules = new("ndrc", ["housing", "ndrc", "police", "water"]);

    /// <summary>Thursday 30 April 2026, 15:00 in China, the afternoon before the five days of 劳动节.</summary>
    private static readonly DateTimeOffset Now = new(2026, 4, 30, 15, 0, 0, TimeSpan.FromHours(8));

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static MeetingState Scheduled(DateTimeOffset at) =>
        Assert.IsType<MeetingTransition>(MeetingMachine.Schedule(MeetingMachine.ForPeriod("2026Q1"), "ndrc", true, Json($$"""{ "at": "{{at:O}}" }"""), [], at.AddDays(-3), Rules)).State;

    private static MeetingState Held() =>
        Assert.IsType<MeetingTransition>(MeetingMachine.RecordMinutes(Scheduled(Now.AddHours(-2)), "ndrc", true, Minutes, Now, Calendar, Rules)).State;

    private static readonly JsonElement Minutes = Json("""
        { "summary": "一季度协调会商", "decisions": ["住建局限期整改超期未认领项目"],
          "actionItems": [{ "owner": "housing", "what": "整改超期未认领项目", "dueWorkingDays": 3 }, { "owner": "water", "what": "补报线索处理结果", "dueWorkingDays": 10 }] }
        """);

    [Fact]
    public void Only_the_coordinator_schedules_and_the_agenda_defaults_to_the_acknowledged_and_submitted_items()
    {
        var gathering = Assert.IsType<MeetingTransition>(MeetingMachine.SubmitAgenda(
            MeetingMachine.ForPeriod("2026Q1"), "water", Json("""{ "items": [{ "title": "线索反馈超期", "detail": "3件" }] }"""), Now, Rules)).State;
        var acknowledged = new AgendaItem("超期未认领项目的整改", null, "housing", Now.AddDays(-1));
        var body = Json("""{ "at": "2026-05-08T09:30:00+08:00" }""");

        var refused = Assert.IsType<MeetingRejection>(MeetingMachine.Schedule(gathering, "housing", false, body, [acknowledged], Now, Rules));
        Assert.Equal(MeetingRejectionKind.Forbidden, refused.Kind);

        var scheduled = Assert.IsType<MeetingTransition>(MeetingMachine.Schedule(gathering, "ndrc", true, body, [acknowledged], Now, Rules));
        Assert.Equal(MeetingStatus.Scheduled, scheduled.State.Status);
        Assert.Equal(["超期未认领项目的整改", "线索反馈超期"], scheduled.State.Agenda.Select(i => i.Title));
        Assert.Equal(Rules.Departments, scheduled.Notices.Select(n => n.Recipient));
        Assert.All(scheduled.Notices, n => Assert.Equal("coordination.meeting-scheduled", n.Subject));

        // The same time and agenda again: nothing to record. Another time: moved, and everyone is told again.
        Assert.IsType<MeetingUnchanged>(MeetingMachine.Schedule(scheduled.State, "ndrc", true, body, [acknowledged], Now, Rules));
        var moved = Assert.IsType<MeetingTransition>(MeetingMachine.Schedule(scheduled.State, "ndrc", true, Json("""{ "at": "2026-05-11T09:30:00+08:00" }"""), [acknowledged], Now, Rules));
        Assert.Equal("meeting.rescheduled", moved.Action);
        Assert.Equal(1, moved.State.Rescheduled);
        Assert.Equal(scheduled.State.Agenda, moved.State.Agenda);
        Assert.All(moved.Notices, n => Assert.Equal("coordination.meeting-rescheduled", n.Subject));
    }

    [Fact]
    public void A_schedule_lists_every_field_error_and_a_time_in_the_past_is_one()
    {
        var rejected = Assert.IsType<MeetingRejection>(MeetingMachine.Schedule(
            MeetingMachine.ForPeriod("2026Q1"), "ndrc", true, Json("""{ "at": "2026-04-30T14:00:00+08:00", "agenda": [{ "detail": "x" }, 3] }"""), [], Now, Rules));
        Assert.Equal(MeetingRejectionKind.Invalid, rejected.Kind);
        Assert.Equal(["agenda[0].title", "agenda[1]", "at"], rejected.Errors!.Keys.Order(StringComparer.Ordinal));

        var empty = Assert.IsType<MeetingRejection>(MeetingMachine.Schedule(MeetingMachine.ForPeriod("2026Q1"), "ndrc", true, Json("""{ "agenda": [] }"""), [], Now, Rules));
        Assert.Equal(["agenda", "at"], empty.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Minutes_come_once_after_the_meeting_and_start_a_clock_per_action_item_from_their_date()
    {
        var scheduled = Scheduled(Now.AddHours(2));
        var early = Assert.IsType<MeetingRejection>(MeetingMachine.RecordMinutes(scheduled, "ndrc", true, Minutes, Now, Calendar, Rules));
        Assert.Equal(MeetingRejectionKind.Conflict, early.Kind);
        Assert.Equal(MeetingRejectionKind.Conflict, Assert.IsType<MeetingRejection>(
            MeetingMachine.RecordMinutes(MeetingMachine.ForPeriod("2026Q1"), "ndrc", true, Minutes, Now, Calendar, Rules)).Kind);

        var held = Assert.IsType<MeetingTransition>(MeetingMachine.RecordMinutes(Scheduled(Now.AddHours(-2)), "ndrc", true, Minutes, Now, Calendar, Rules));
        Assert.Equal(MeetingStatus.Held, held.State.Status);
        Assert.Equal(["2026Q1-A001", "2026Q1-A002"], held.State.ActionItems.Select(a => a.Id));
        Assert.Equal(new ClockBasis(new DateOnly(2026, 4, 30), 3), held.State.ActionItems[0].Clock);
        Assert.Equal(
            ["action-reminder.2026Q1-A001", "action.2026Q1-A001", "action-reminder.2026Q1-A002", "action.2026Q1-A002"],
            held.Start.Select(c => c.Name));
        Assert.All(held.Start, c => Assert.Equal(c.Name[(c.Name.IndexOf('.', StringComparison.Ordinal) + 1)..], c.Data));

        Assert.IsType<MeetingUnchanged>(MeetingMachine.RecordMinutes(held.State, "ndrc", true, Minutes, Now.AddHours(1), Calendar, Rules));
        var different = Assert.IsType<MeetingRejection>(MeetingMachine.RecordMinutes(
            held.State, "ndrc", true, Json("""{ "summary": "另一份纪要" }"""), Now.AddHours(1), Calendar, Rules));
        Assert.Equal(MeetingRejectionKind.Conflict, different.Kind);
        Assert.Equal(MeetingRejectionKind.Forbidden, Assert.IsType<MeetingRejection>(
            MeetingMachine.RecordMinutes(held.State, "housing", false, Minutes, Now, Calendar, Rules)).Kind);
    }

    [Fact]
    public void Minutes_list_every_field_error()
    {
        var body = Json("""
            { "decisions": ["", 5], "actionItems": [{ "owner": "trading-center", "what": "x", "dueWorkingDays": 0 }, { "owner": "housing" }] }
            """);
        var rejected = Assert.IsType<MeetingRejection>(MeetingMachine.RecordMinutes(Scheduled(Now.AddHours(-2)), "ndrc", true, body, Now, Calendar, Rules));
        Assert.Equal(
            ["actionItems[0].dueWorkingDays", "actionItems[0].owner", "actionItems[1].dueWorkingDays", "actionItems[1].what", "decisions[0]", "decisions[1]", "summary"],
            rejected.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Only_the_owner_closes_an_action_item_once_and_the_closing_stops_its_clock()
    {
        var held = Held();
        var body = Json("""{ "outcome": "已整改完毕" }""");
        Assert.Equal(MeetingRejectionKind.Forbidden, Assert.IsType<MeetingRejection>(
            MeetingMachine.CloseAction(held, "2026Q1-A001", "ndrc", body, Now, Calendar, Rules)).Kind);
        Assert.Equal(MeetingRejectionKind.NotFound, Assert.IsType<MeetingRejection>(
            MeetingMachine.CloseAction(held, "2026Q1-A009", "housing", body, Now, Calendar, Rules)).Kind);
        Assert.Equal(["outcome"], Assert.IsType<MeetingRejection>(
            MeetingMachine.CloseAction(held, "2026Q1-A001", "housing", Json("{}"), Now, Calendar, Rules)).Errors!.Keys);

        var closed = Assert.IsType<MeetingTransition>(MeetingMachine.CloseAction(held, "2026Q1-A001", "housing", body, Now.AddDays(1), Calendar, Rules));
        var item = closed.State.ActionItem("2026Q1-A001")!;
        Assert.Equal(ActionItemStatus.Closed, item.Status);
        Assert.Equal(Lateness.OnTime, item.Lateness);
        Assert.Equal(["action.2026Q1-A001", "action-reminder.2026Q1-A001"], closed.Stop);
        Assert.Equal("ndrc", Assert.Single(closed.Notices).Recipient);
        Assert.Equal(ActionItemStatus.Open, closed.State.ActionItem("2026Q1-A002")!.Status);

        Assert.IsType<MeetingUnchanged>(MeetingMachine.CloseAction(closed.State, "2026Q1-A001", "housing", body, Now.AddDays(2), Calendar, Rules));
        Assert.Equal(MeetingRejectionKind.Conflict, Assert.IsType<MeetingRejection>(
            MeetingMachine.CloseAction(closed.State, "2026Q1-A001", "housing", Json("""{ "outcome": "另一结果" }"""), Now.AddDays(2), Calendar, Rules)).Kind);
    }

    [Fact]
    public void The_clock_reminds_the_owner_then_warns_the_owner_and_the_coordinator_and_is_silent_once_the_item_is_closed()
    {
        var held = Held();
        // Three working days from Thursday 30 April across 1–5 May: due at the end of Friday 8 May.
        var lastDay = new DateTimeOffset(2026, 5, 8, 0, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(new DateOnly(2026, 5, 8), held.ActionItems[0].Clock.On(Calendar).Deadline);

        var reminder = MeetingMachine.OnDeadline(held, MeetingClocks.ReminderAction, "action-reminder.2026Q1-A001", "2026Q1-A001", lastDay, Calendar, Rules)!;
        Assert.Equal(["housing"], reminder.Notices.Select(n => n.Recipient));
        Assert.Equal(["action-reminder.2026Q1-A001"], reminder.Fired);

        var overdue = MeetingMachine.OnDeadline(held, MeetingClocks.OverdueAction, "action.2026Q1-A001", "2026Q1-A001", lastDay.AddDays(1), Calendar, Rules)!;
        Assert.Equal(["housing", "ndrc"], overdue.Notices.Select(n => n.Recipient));
        Assert.All(overdue.Notices, n => Assert.Equal("coordination.action-overdue", n.Subject));
        Assert.Equal(lastDay.AddDays(1), overdue.State.ActionItem("2026Q1-A001")!.OverdueAt);

        // A reminder that wakes after the deadline says nothing; neither clock speaks for a closed item.
        Assert.Null(MeetingMachine.OnDeadline(held, MeetingClocks.ReminderAction, "action-reminder.2026Q1-A001", "2026Q1-A001", lastDay.AddDays(1), Calendar, Rules));
        var closed = Assert.IsType<MeetingTransition>(MeetingMachine.CloseAction(held, "2026Q1-A001", "housing", Json("""{ "outcome": "已整改" }"""), Now, Calendar, Rules)).State;
        Assert.Null(MeetingMachine.OnDeadline(closed, MeetingClocks.OverdueAction, "action.2026Q1-A001", "2026Q1-A001", lastDay.AddDays(1), Calendar, Rules));
    }

    [Fact]
    public void An_extra_meeting_is_asked_for_by_a_department_and_declined_only_while_requested()
    {
        var asked = Assert.IsType<MeetingTransition>(MeetingMachine.Request("EM-20260430-0a1b2c3d", "water", Json("""{ "reason": "跨部门线索处理分歧", "agenda": [{ "title": "线索管辖" }] }"""), Now, Rules));
        Assert.Equal(MeetingStatus.Requested, asked.State.Status);
        Assert.Equal("ndrc", Assert.Single(asked.Notices).Recipient);
        Assert.Equal(MeetingRejectionKind.Forbidden, Assert.IsType<MeetingRejection>(MeetingMachine.Request("EM-x", "trading-center", Json("""{ "reason": "x" }"""), Now, Rules)).Kind);
        Assert.Equal(["reason"], Assert.IsType<MeetingRejection>(MeetingMachine.Request("EM-x", "water", Json("{}"), Now, Rules)).Errors!.Keys);

        Assert.Equal(MeetingRejectionKind.Forbidden, Assert.IsType<MeetingRejection>(MeetingMachine.Decline(asked.State, "water", false, Json("""{ "reason": "x" }"""), Now, Rules)).Kind);
        var declined = Assert.IsType<MeetingTransition>(MeetingMachine.Decline(asked.State, "ndrc", true, Json("""{ "reason": "并入季度会商" }"""), Now, Rules));
        Assert.Equal(MeetingStatus.Declined, declined.State.Status);
        Assert.Equal("water", Assert.Single(declined.Notices).Recipient);
        Assert.Equal(MeetingRejectionKind.Conflict, Assert.IsType<MeetingRejection>(MeetingMachine.Decline(declined.State, "ndrc", true, Json("""{ "reason": "x" }"""), Now, Rules)).Kind);
        Assert.Equal(MeetingRejectionKind.Conflict, Assert.IsType<MeetingRejection>(
            MeetingMachine.Schedule(declined.State, "ndrc", true, Json("""{ "at": "2026-05-08T09:30:00+08:00" }"""), [], Now, Rules)).Kind);

        // Scheduled from the request, the agenda is the requester's.
        var scheduled = Assert.IsType<MeetingTransition>(MeetingMachine.Schedule(asked.State, "ndrc", true, Json("""{ "at": "2026-05-08T09:30:00+08:00" }"""), [], Now, Rules));
        Assert.Equal(["线索管辖"], scheduled.State.Agenda.Select(i => i.Title));
    }

    [Theory]
    [InlineData("2026Q1-A001", "2026Q1")]
    [InlineData("EM-20260430-0a1b2c3d-A012", "EM-20260430-0a1b2c3d")]
    [InlineData("2026Q1-A01", null)]
    [InlineData("2026Q1", null)]
    [InlineData("-A001", null)]
    public void An_action_item_id_names_its_meeting(string id, string? meeting) => Assert.Equal(meeting, MeetingNames.MeetingOf(id));
}
