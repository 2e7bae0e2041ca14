using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Routing;
using Integration.Tests.Support;

namespace Integration.Tests.Approvals;

[Trait("lane", "unit")]
public sealed class ApprovalDecisionTests
{
    private static readonly DateTimeOffset Pushed = new(2026, 2, 13, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly ClaimPolicy Policy = new(TestCalendar.Instance, 2, "ndrc");
    private static readonly Route[] HousingAndIndustry = [new("housing", "responsibility list"), new("industry", "responsibility list")];

    private static ApprovalSubmission Submission(long version = 1, decimal investment = 1_000_000m, string industry = "housing-construction") => new(
        "SP-1", version, "2026-371002-48-01-583921", "城市更新改造项目", "371002", industry, "approval", Pushed.AddDays(-2), "威海市行政审批服务局",
        new ApprovalOwner("威海市城投", "914403001922038216"), investment, new TenderingPlan(["construction", "equipment"], "open", "agency", null));

    private static ApprovalState Received(params Route[] routes) =>
        ApprovalMachine.Receive(null, Submission(), null, routes.Length == 0 ? HousingAndIndustry : routes, "push", Pushed, Policy).State!;

    [Fact]
    public void A_new_approval_gives_each_competent_department_a_pending_part_with_its_claim_deadline()
    {
        var decision = ApprovalMachine.Receive(null, Submission(), null, HousingAndIndustry, "push", Pushed, Policy);

        Assert.Equal(ReceiveOutcome.Created, decision.Outcome);
        Assert.Equal(["housing", "industry"], decision.Routed.Select(p => p.Department));
        Assert.All(decision.State!.Parts, p =>
        {
            Assert.Equal(ClaimStatus.Pending, p.Status);
            Assert.Equal(new DateOnly(2026, 2, 24), p.ClaimDeadlineOn(Policy.Calendar).Deadline);
            Assert.Equal(new DateTimeOffset(2026, 2, 25, 0, 0, 0, TimeSpan.FromHours(8)), p.ClaimDeadlineOn(Policy.Calendar).DueAt);
        });
        Assert.Empty(decision.Notified);
        Assert.Equal(ApprovalStatus.Pending, decision.State.StatusAt(Pushed, Policy.Calendar));
    }

    [Fact]
    public void The_same_version_again_is_a_duplicate_and_with_other_content_a_conflict()
    {
        var state = Received();
        Assert.Equal(ReceiveOutcome.Duplicate, ApprovalMachine.Receive(state, Submission(), null, HousingAndIndustry, "pull", Pushed.AddHours(1), Policy).Outcome);
        var conflict = ApprovalMachine.Receive(state, Submission(investment: 2m), null, HousingAndIndustry, "pull", Pushed.AddHours(1), Policy);
        Assert.Equal(ReceiveOutcome.Conflict, conflict.Outcome);
        Assert.Same(state, conflict.State);
    }

    [Fact]
    public void An_older_version_never_overwrites_a_newer_one()
    {
        var v3 = ApprovalMachine.Receive(Received(), Submission(3), null, HousingAndIndustry, "push", Pushed.AddHours(1), Policy).State!;
        var v2 = ApprovalMachine.Receive(v3, Submission(2), null, HousingAndIndustry, "push", Pushed.AddHours(2), Policy);
        Assert.Equal(ReceiveOutcome.Stale, v2.Outcome);
        Assert.Equal(3, v2.State!.Current.Version);
        Assert.Equal([1L, 3L], v2.State.Versions.Select(v => v.Version));
    }

    [Fact]
    public void A_new_version_tells_the_active_parts_and_routes_newly_competent_departments()
    {
        var state = Received(new Route("housing", "responsibility list"));
        state = ApprovalMachine.Claim(state, "housing", Pushed.AddHours(1), Policy).State;

        var decision = ApprovalMachine.Receive(state, Submission(2), null, HousingAndIndustry, "push", Pushed.AddDays(1), Policy);

        Assert.Equal(ReceiveOutcome.Updated, decision.Outcome);
        Assert.Equal(["housing"], decision.Notified.Select(p => p.Department));
        Assert.Equal(["industry"], decision.Routed.Select(p => p.Department));
        Assert.Equal(ClaimStatus.Claimed, decision.State!.PartOf("housing")!.Status);
        Assert.Equal(2, decision.State.Current.Version);
    }

    [Fact]
    public void A_department_claims_only_its_own_part_and_claiming_twice_changes_nothing()
    {
        var state = Received();
        var claimed = ApprovalMachine.Claim(state, "housing", Pushed.AddHours(2), Policy);
        Assert.Equal(CommandOutcome.Changed, claimed.Outcome);
        Assert.Equal(ClaimStatus.Claimed, claimed.State.PartOf("housing")!.Status);
        Assert.Equal(ClaimStatus.Pending, claimed.State.PartOf("industry")!.Status);
        Assert.Equal(ApprovalStatus.Pending, claimed.State.StatusAt(Pushed.AddHours(2), Policy.Calendar));

        Assert.Equal(CommandOutcome.Unchanged, ApprovalMachine.Claim(claimed.State, "housing", Pushed.AddHours(3), Policy).Outcome);
        Assert.Equal(CommandOutcome.NotRouted, ApprovalMachine.Claim(claimed.State, "water", Pushed.AddHours(3), Policy).Outcome);

        var both = ApprovalMachine.Claim(claimed.State, "industry", Pushed.AddHours(4), Policy).State;
        Assert.Equal(ApprovalStatus.Claimed, both.StatusAt(Pushed.AddHours(4), Policy.Calendar));
        Assert.Equal(["housing", "industry"], both.ClaimedBy);
    }

    [Fact]
    public void A_claim_after_the_deadline_is_marked_late()
    {
        var late = ApprovalMachine.Claim(Received(), "housing", new DateTimeOffset(2026, 2, 25, 8, 0, 0, TimeSpan.FromHours(8)), Policy);
        Assert.True(late.Part!.ClaimedLateOn(Policy.Calendar));
    }

    [Fact]
    public void A_decline_goes_back_to_the_coordinator_and_cannot_be_claimed_or_undone_by_the_department()
    {
        var declined = ApprovalMachine.Decline(Received(), "industry", "不属于本部门监管范围", Pushed.AddHours(1), Policy);
        Assert.Equal(CommandOutcome.Changed, declined.Outcome);
        Assert.True(declined.State.PartOf("industry")!.AwaitsCoordinator);
        Assert.Equal(ApprovalStatus.Declined, declined.State.StatusAt(Pushed.AddHours(1), Policy.Calendar));

        Assert.Equal(CommandOutcome.Unchanged, ApprovalMachine.Decline(declined.State, "industry", "again", Pushed.AddHours(2), Policy).Outcome);
        Assert.Equal(CommandOutcome.Conflict, ApprovalMachine.Claim(declined.State, "industry", Pushed.AddHours(2), Policy).Outcome);
    }

    [Fact]
    public void A_claimed_part_cannot_be_declined_and_the_coordinator_does_not_decline()
    {
        var claimed = ApprovalMachine.Claim(Received(), "housing", Pushed.AddHours(1), Policy).State;
        Assert.Equal(CommandOutcome.Conflict, ApprovalMachine.Decline(claimed, "housing", "改变主意", Pushed.AddHours(2), Policy).Outcome);

        var toCoordinator = Received(new Route("ndrc", "no line"));
        Assert.Equal(CommandOutcome.Conflict, ApprovalMachine.Decline(toCoordinator, "ndrc", "不管", Pushed.AddHours(2), Policy).Outcome);
        Assert.Equal(CommandOutcome.NotRouted, ApprovalMachine.Decline(toCoordinator, "housing", "不管", Pushed.AddHours(2), Policy).Outcome);
    }

    [Fact]
    public void Assigning_settles_open_declines_and_hands_on_the_coordinators_own_part()
    {
        var state = Received(new Route("ndrc", "no line"), new Route("industry", "responsibility list"));
        state = ApprovalMachine.Decline(state, "industry", "不属于本部门", Pushed.AddHours(1), Policy).State;
        var assignedAt = new DateTimeOffset(2026, 2, 24, 9, 0, 0, TimeSpan.FromHours(8));

        var assigned = ApprovalMachine.Assign(state, "housing", assignedAt, Policy);

        Assert.Equal(CommandOutcome.Changed, assigned.Outcome);
        var part = assigned.State.PartOf("housing")!;
        Assert.Equal("ndrc", part.AssignedBy);
        Assert.Equal(new DateOnly(2026, 2, 26), part.ClaimDeadlineOn(Policy.Calendar).Deadline);
        Assert.Equal(ClaimStatus.Assigned, assigned.State.PartOf("ndrc")!.Status);
        Assert.False(assigned.State.PartOf("industry")!.AwaitsCoordinator);
        Assert.Equal(["ndrc", "industry"], assigned.Settled.Select(p => p.Department));
        Assert.Equal(ApprovalStatus.Pending, assigned.State.StatusAt(assignedAt, Policy.Calendar));

        Assert.Equal(CommandOutcome.Unchanged, ApprovalMachine.Assign(assigned.State, "housing", assignedAt.AddHours(1), Policy).Outcome);
        Assert.Equal(CommandOutcome.Conflict, ApprovalMachine.Claim(assigned.State, "ndrc", assignedAt.AddHours(1), Policy).Outcome);
    }

    [Fact]
    public void Receiving_decides_the_whole_transition_messages_and_claim_clocks_as_rules()
    {
        var transition = ApprovalMachine.Receive(null, Submission(), null, HousingAndIndustry, "pull", Pushed, Policy).Transition!;

        Assert.Equal("approval.received", transition.Action);
        Assert.Equal(
            [(ApprovalAudience.Department, "housing", ApprovalSubjects.Pushed), (ApprovalAudience.Department, "industry", ApprovalSubjects.Pushed), (ApprovalAudience.ApprovalSystem, null, ApprovalSubjects.Routed)],
            transition.Notices.Select(n => (n.Audience, n.Recipient, n.Subject)));
        Assert.Equal(["housing", "industry"], Assert.IsType<ApprovalRoutedDetails>(transition.Notices[^1].Details).Departments);

        // The rule, not the instant: two working days from the China date of the push.
        Assert.All(transition.Start, c => Assert.Equal(new ClockBasis(new DateOnly(2026, 2, 13), 2), c.Basis));
        Assert.Equal(["claim-reminder:housing", "claim:housing", "claim-reminder:industry", "claim:industry"], transition.Start.Select(c => c.Name));
        Assert.Equal([true, false, true, false], transition.Start.Select(c => c.Reminder));
        Assert.Empty(transition.Stop);

        Assert.Null(ApprovalMachine.Receive(Received(), Submission(), null, HousingAndIndustry, "pull", Pushed, Policy).Transition);
    }

    [Fact]
    public void A_claim_stops_its_clocks_and_tells_the_approval_system_and_a_rejection_decides_nothing()
    {
        var claimed = ApprovalMachine.Claim(Received(), "housing", Pushed.AddHours(1), Policy);

        var transition = claimed.Transition!;
        Assert.Equal("approval.claimed", transition.Action);
        Assert.Equal(["claim-reminder:housing", "claim:housing"], transition.Stop);
        var notice = Assert.Single(transition.Notices);
        Assert.Equal((ApprovalAudience.ApprovalSystem, ApprovalSubjects.Claimed, "housing"), (notice.Audience, notice.Subject, notice.Part!.Department));
        Assert.Equal("housing", Assert.IsType<ApprovalClaimedDetails>(notice.Details).ClaimedBy);

        Assert.Null(ApprovalMachine.Claim(claimed.State, "water", Pushed.AddHours(2), Policy).Transition);
        Assert.Null(ApprovalMachine.Claim(claimed.State, "housing", Pushed.AddHours(2), Policy).Transition);
    }

    [Fact]
    public void An_overdue_clock_warns_the_department_and_the_coordinator_and_fires_its_deadline()
    {
        var due = new DateTimeOffset(2026, 2, 25, 0, 0, 0, TimeSpan.FromHours(8));

        var warned = ApprovalMachine.OnClock(Received(), ApprovalSubjects.ClaimOverdue, "claim:industry", "industry", due, Policy);

        var transition = warned.Transition!;
        Assert.Equal(ApprovalSubjects.ClaimOverdue, transition.Action);
        Assert.Equal(["claim:industry"], transition.Fired);
        Assert.Equal(["industry", "ndrc"], transition.Notices.Select(n => n.Recipient));
        Assert.Equal("industry", Assert.IsType<ApprovalOverdueDetails>(transition.Notices[1].Details).OverdueDepartment);
        Assert.Equal(due, warned.State.PartOf("industry")!.OverdueAt);
    }

    [Fact]
    public void The_coordinator_may_route_a_declined_part_back_to_the_same_department()
    {
        var state = ApprovalMachine.Decline(Received(), "industry", "不属于本部门", Pushed.AddHours(1), Policy).State;
        var again = ApprovalMachine.Assign(state, "industry", Pushed.AddHours(2), Policy);
        Assert.Equal(ClaimStatus.Pending, again.State.PartOf("industry")!.Status);
        Assert.Equal(CommandOutcome.Changed, ApprovalMachine.Claim(again.State, "industry", Pushed.AddHours(3), Policy).Outcome);
    }

    [Fact]
    public void Reminders_and_overdue_warnings_touch_only_parts_still_pending()
    {
        var state = ApprovalMachine.Claim(Received(), "housing", Pushed.AddHours(1), Policy).State;
        var due = new DateTimeOffset(2026, 2, 25, 0, 0, 0, TimeSpan.FromHours(8));

        Assert.Equal(CommandOutcome.Unchanged, ApprovalMachine.Remind(state, "housing", due, Policy).Outcome);
        Assert.Equal(CommandOutcome.Unchanged, ApprovalMachine.Overdue(state, "housing", due, Policy).Outcome);

        var overdue = ApprovalMachine.Overdue(state, "industry", due, Policy);
        Assert.Equal(CommandOutcome.Changed, overdue.Outcome);
        Assert.Equal(ApprovalStatus.Overdue, overdue.State.StatusAt(due, Policy.Calendar));
        Assert.Equal(CommandOutcome.Unchanged, ApprovalMachine.Overdue(overdue.State, "industry", due.AddMinutes(1), Policy).Outcome);
    }

    [Fact]
    public void A_part_is_overdue_from_its_due_instant_even_before_the_warning_is_handled()
    {
        var part = Received().PartOf("housing")!;
        Assert.Equal(ApprovalStatus.Pending, part.StatusAt(part.ClaimDeadlineOn(Policy.Calendar).DueAt.AddTicks(-1), Policy.Calendar));
        Assert.Equal(ApprovalStatus.Overdue, part.StatusAt(part.ClaimDeadlineOn(Policy.Calendar).DueAt, Policy.Calendar));
    }

    [Theory]
    [InlineData("2026-02-12T10:00:00+08:00", 2, "2026-02-14")] // the adjusted working Saturday before the Spring Festival counts
    [InlineData("2026-02-13T10:00:00+08:00", 2, "2026-02-24")] // across the Spring Festival holiday, 2/15–2/23
    [InlineData("2026-02-12T10:00:00+08:00", 3, "2026-02-24")]
    [InlineData("2026-02-12T17:00:00Z", 2, "2026-02-24")] // already 2/13 in China
    [InlineData("2026-09-30T16:00:00+08:00", 2, "2026-10-09")] // National Day week, 10/1–10/7
    public void The_claim_deadline_counts_working_days_after_the_push_in_China(string pushedAt, int days, string deadline)
    {
        var policy = Policy with { WorkingDays = days };
        var computed = policy.ClockFrom(DateTimeOffset.Parse(pushedAt, CultureInfo.InvariantCulture)).On(policy.Calendar);
        Assert.Equal(DateOnly.Parse(deadline, CultureInfo.InvariantCulture), computed.Deadline);
        Assert.Equal(new DateTimeOffset(computed.Deadline.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)), computed.DueAt);
        Assert.False(computed.Provisional);
    }

    [Fact]
    public void A_claim_deadline_reaching_a_year_without_a_notice_is_provisional() =>
        Assert.True(Policy.ClockFrom(new DateTimeOffset(2026, 12, 31, 10, 0, 0, TimeSpan.FromHours(8))).On(Policy.Calendar).Provisional);

    [Fact]
    public void Feed_positions_order_by_time_then_id_then_version()
    {
        var t = Pushed;
        Assert.True(new FeedPosition(t, "B", 1) > new FeedPosition(t, "A", 9));
        Assert.True(new FeedPosition(t.AddTicks(1), "A", 1) > new FeedPosition(t, "B", 1));
        Assert.True(new FeedPosition(t, "A", 2) > new FeedPosition(t, "A", 1));
        Assert.True(new FeedPosition(t.ToOffset(TimeSpan.Zero), "A", 1) <= new FeedPosition(t, "A", 1));
        Assert.Equal(new FeedPosition(t, "B", 1), FeedPosition.Max(new FeedPosition(t, "B", 1), new FeedPosition(t, "A", 1)));
        Assert.Null(FeedPosition.Max(null, null));
    }
}
