using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Integration.Domain.Calendar;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Domain.Routing;
using Integration.Tests.Support;

namespace Integration.Tests.Leads;

/// <summary>The pure decisions of the lead flow: lateness, routing, the state machine's order of checks, status and overdue clocks.</summary>
[Trait("lane", "unit")]
public sealed class LeadDomainTests
{
    private static readonly WorkingDayCalendar Calendar = TestCalendar.Instance;
    private static readonly LeadRules Rules = new(3, 3, 3, "ndrc", "police");
    private static readonly DateTimeOffset Now = new(2026, 2, 13, 10, 0, 0, TimeSpan.FromHours(8));

    private static readonly ResponsibilityList List = new(
        new Dictionary<string, string> { ["housing-construction"] = "房屋建筑", ["water"] = "水利", ["energy"] = "能源" },
        [
            new Responsibility("housing-construction", ["housing"]),
            new Responsibility("water", ["water"]),
            new Responsibility("water", ["agriculture"], Region: "371082"),
        ],
        "ndrc",
        id => id is "ndrc" or "housing" or "water" or "agriculture" or "police");

    [Theory]
    [InlineData("2026-02-24T23:59:59+08:00", false, 0)]
    [InlineData("2026-02-25T00:00:00+08:00", true, 1)]
    [InlineData("2026-02-26T10:00:00+08:00", true, 2)]
    [InlineData("2026-02-28T10:00:00+08:00", true, 4)]
    public void A_step_is_late_by_the_working_days_after_its_deadline_day(string at, bool late, int days)
    {
        // From 12 February 2026: due 24 February; 28 February is a working Saturday.
        var lateness = LeadClocks.Measure(Calendar, new ClockBasis(new DateOnly(2026, 2, 12), 3), DateTimeOffset.Parse(at, CultureInfo.InvariantCulture));
        Assert.Equal(new Lateness(late, days), lateness);
    }

    [Theory]
    [InlineData("2026-03-07T10:00:00+08:00", 1)]
    [InlineData("2026-05-03T10:00:00+08:00", 1)]
    public void A_step_on_a_day_off_after_the_deadline_counts_as_the_next_working_day(string at, int days)
    {
        // 6 March 2026 is a Friday; 30 April is the last working day before the May holiday.
        var friday = new ClockBasis(new DateOnly(2026, 3, 3), 3);
        var beforeMayDay = new ClockBasis(new DateOnly(2026, 4, 27), 3);
        var instant = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture);
        var clock = instant.Month == 3 ? friday : beforeMayDay;
        Assert.Equal(new Lateness(true, days), LeadClocks.Measure(Calendar, clock, instant));
    }

    [Fact]
    public void Late_exactly_when_the_deadline_has_passed_and_then_by_at_least_one_working_day() =>
        Prop.ForAll(
            Gen.Choose(0, 700).Select(d => new DateOnly(2025, 1, 1).AddDays(d)).ToArbitrary(),
            Gen.Choose(1, 10).ToArbitrary(),
            Gen.Choose(0, 60 * 24 * 20).ToArbitrary(),
            (from, n, minutes) =>
            {
                var clock = new ClockBasis(from, n);
                var at = ChinaTime.StartOf(from).AddMinutes(minutes);
                var lateness = LeadClocks.Measure(Calendar, clock, at);
                return lateness.Late == (at >= clock.On(Calendar).DueAt) && (lateness.Late ? lateness.WorkingDaysLate >= 1 : lateness.WorkingDaysLate == 0);
            })
        .Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Fact]
    public void A_claim_wins_over_the_responsibility_list()
    {
        var routing = LeadRouting.Decide(Submission(industry: "housing-construction"), ["water"], List, "police");
        Assert.Equal(["water", "police"], routing.Recipients.Select(r => r.Department));
        Assert.Null(routing.AssignmentReason);
    }

    [Fact]
    public void The_responsibility_list_is_narrowed_by_the_region_in_the_project_code()
    {
        var rongcheng = LeadRouting.Decide(Submission(industry: "water", category: "other", projectCode: "2026-371082-48-01-000123"), [], List, "police");
        var huancui = LeadRouting.Decide(Submission(industry: "water", category: "other", projectCode: "2026-371002-48-01-000123"), [], List, "police");
        Assert.Equal(["agriculture"], rongcheng.Recipients.Select(r => r.Department));
        Assert.Equal(["water"], huancui.Recipients.Select(r => r.Department));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("energy")]
    public void Without_a_claim_or_a_line_the_coordinator_routes_while_police_still_receive_at_once(string? industry)
    {
        var routing = LeadRouting.Decide(Submission(industry: industry, category: "fraud"), [], List, "police");
        Assert.Equal(["police"], routing.Recipients.Select(r => r.Department));
        Assert.Equal(RecipientRole.Police, routing.Recipients[0].Role);
        Assert.NotNull(routing.AssignmentReason);
    }

    [Fact]
    public void Where_police_are_not_on_the_platform_nothing_goes_to_police() =>
        Assert.Equal(["housing"], LeadRouting.Decide(Submission(category: "fraud"), [], List, police: null).Recipients.Select(r => r.Department));

    [Theory]
    [InlineData("bid-rigging", false, true)]
    [InlineData("fraud", false, true)]
    [InlineData("evading-tender", false, false)]
    [InlineData("illegal-subcontracting", false, false)]
    [InlineData("other", false, false)]
    [InlineData("other", true, true)]
    public void Police_receive_bid_rigging_fraud_and_suspected_crimes(string category, bool suspectedCrime, bool police) =>
        Assert.Equal(police, LeadVocabulary.GoesToPolice(category, suspectedCrime));

    [Fact]
    public void The_fingerprint_ignores_layout_and_offset_but_not_content()
    {
        var a = Submission();
        var sameInstant = a with { DiscoveredAt = a.DiscoveredAt.ToUniversalTime(), Parties = a.Parties.ToList() };
        Assert.Equal(a.Fingerprint(), sameInstant.Fingerprint());
        Assert.NotEqual(a.Fingerprint(), (a with { Summary = a.Summary + "。" }).Fingerprint());
        Assert.NotEqual(a.Fingerprint(), (a with { Source = a.Source! with { Phone = "0631-0000000" } }).Fingerprint());
    }

    [Fact]
    public void Commands_answer_403_before_409_before_400()
    {
        var state = Submitted();
        var invalid = JsonDocument.Parse("{}").RootElement;

        var stranger = Assert.IsType<LeadRejection>(LeadMachine.Return(state, "water", invalid, Now, Calendar, Rules));
        var wrongState = Assert.IsType<LeadRejection>(LeadMachine.Return(state, "housing", invalid, Now, Calendar, Rules));
        var received = Apply(LeadMachine.Receipt(state, "housing", Json("""{"materials":[]}"""), Now, Calendar, Rules));
        var badInput = Assert.IsType<LeadRejection>(LeadMachine.Return(received, "housing", invalid, Now, Calendar, Rules));

        Assert.Equal(LeadRejectionKind.Forbidden, stranger.Kind);
        Assert.Equal((LeadRejectionKind.Conflict, "relayed"), (wrongState.Kind, wrongState.State));
        Assert.Equal(LeadRejectionKind.Invalid, badInput.Kind);
        Assert.Equal(["reason"], badInput.Errors!.Keys.ToArray());
    }

    [Fact]
    public void A_return_by_police_leaves_the_supervisor_holding_but_the_last_supervisors_return_waits_for_the_coordinator()
    {
        var state = Submitted();
        state = Apply(LeadMachine.Receipt(state, "police", Json("""{"materials":[]}"""), Now, Calendar, Rules));
        state = Apply(LeadMachine.Receipt(state, "housing", Json("""{"materials":[]}"""), Now, Calendar, Rules));

        var afterPolice = Assert.IsType<LeadTransition>(LeadMachine.Return(state, "police", Json("""{"reason":"不构成犯罪"}"""), Now, Calendar, Rules));
        Assert.Null(afterPolice.State.Assignment);
        Assert.Empty(afterPolice.Start);
        Assert.Equal(["return.police", "return-reminder.police"], afterPolice.Stop);

        var afterHousing = Assert.IsType<LeadTransition>(LeadMachine.Return(afterPolice.State, "housing", Json("""{"reason":"非本部门职责"}"""), Now, Calendar, Rules));
        Assert.Equal(LeadStatus.AwaitingRoute, afterHousing.State.Status);
        Assert.Equal(["relay-reminder", "relay"], afterHousing.Start.Select(c => c.Name));
        Assert.Equal(new ClockBasis(new DateOnly(2026, 2, 13), 3), afterHousing.State.Assignment!.Clock);
    }

    [Fact]
    public void The_lead_is_as_far_as_its_slowest_active_part_and_closed_when_all_have_fed_back()
    {
        var state = Submitted();
        Assert.Equal(LeadStatus.Relayed, state.Status);
        var housingDone = Replace(state, "housing", RecipientStatus.FedBack);
        Assert.Equal(LeadStatus.Relayed, housingDone.Status);
        Assert.Equal(LeadStatus.Handled, Replace(housingDone, "police", RecipientStatus.Handled).Status);
        Assert.Equal(LeadStatus.Closed, Replace(housingDone, "police", RecipientStatus.Returned).Status);
        Assert.Equal(LeadStatus.AwaitingRoute, (housingDone with { Assignment = new LeadAssignment(Now, "returned", new ClockBasis(new DateOnly(2026, 2, 13), 3)) }).Status);
    }

    [Fact]
    public void A_stale_or_late_reminder_does_nothing_and_an_overdue_warning_silences_its_reminder()
    {
        var state = Submitted();
        state = Apply(LeadMachine.Receipt(state, "housing", Json("""{"materials":[]}"""), Now, Calendar, Rules));
        var handled = Apply(LeadMachine.Complete(state, "housing", Json("""{"completedAt":"2026-02-13T10:00:00+08:00"}"""), Now, Calendar, Rules));
        var dueAt = new DateTimeOffset(2026, 2, 26, 0, 0, 0, TimeSpan.FromHours(8));

        Assert.Null(LeadMachine.OnDeadline(state, LeadClocks.FeedbackOverdueAction, "feedback.housing", "housing", dueAt, Calendar, Rules));
        Assert.Null(LeadMachine.OnDeadline(handled, LeadClocks.FeedbackReminderAction, "feedback-reminder.housing", "housing", dueAt, Calendar, Rules));
        var reminder = LeadMachine.OnDeadline(handled, LeadClocks.FeedbackReminderAction, "feedback-reminder.housing", "housing", dueAt.AddHours(-12), Calendar, Rules);
        Assert.Equal(["housing"], reminder!.Notices.Select(n => n.Recipient));

        var overdue = LeadMachine.OnDeadline(handled, LeadClocks.FeedbackOverdueAction, "feedback.housing", "housing", dueAt, Calendar, Rules)!;
        Assert.Equal(["housing", "ndrc"], overdue.Notices.Select(n => n.Recipient));
        Assert.Equal(["feedback.housing"], overdue.Fired);
        Assert.Equal(["feedback-reminder.housing"], overdue.Stop);
        Assert.Equal([new OverdueClock("feedback", "housing", dueAt)], LeadClocks.Overdue(overdue.State, Calendar, dueAt, "ndrc"));
        Assert.Empty(LeadClocks.Overdue(overdue.State, Calendar, dueAt.AddTicks(-1), "ndrc"));
    }

    private static LeadSubmission Submission(string? industry = "housing-construction", string category = "bid-rigging", string projectCode = "2026-371002-48-01-000123") =>
        new(
            "L-1",
            new DateTimeOffset(2026, 2, 12, 15, 20, 0, TimeSpan.FromHours(8)),
            projectCode,
            null,
            category,
            industry,
            "围标串标",
            [new LeadParty("威海甲建设有限公司", "914403001922038216", "bidder")],
            [new LeadEvidence("比对报告", new string('b', 64), "https://ggzy.weihai.example/1.pdf")],
            false,
            new LeadSource("whistle-blower", "林", null, "13900000000", null, null, null));

    private static LeadState Submitted() =>
        LeadMachine.Submit(Submission(), "trading-center", LeadRouting.Decide(Submission(), [], List, "police"), Now, Calendar, Rules).State;

    private static LeadState Apply(LeadDecision decision) => Assert.IsType<LeadTransition>(decision).State;

    private static LeadState Replace(LeadState state, string department, RecipientStatus status) =>
        state with { Recipients = state.Recipients.Select(r => r.Department == department ? r with { Status = status } : r).ToArray() };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;
}
