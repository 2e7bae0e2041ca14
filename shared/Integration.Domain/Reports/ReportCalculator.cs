using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Domain.Reports.Meetings;

namespace Integration.Domain.Reports;

/// <summary>
/// Computes a coordination report from the listing indexes' rows, in one pass over each and with counters per
/// department, as of one instant: a step counts when it was taken before <c>asOf</c>, so a report on a finished period
/// computed again later gives the same numbers. Pure: the same rows, period, version and instant give the same content.
/// </summary>
public sealed class ReportCalculator
{
    private readonly ReportPeriod period;
    private readonly DateTimeOffset asOf;
    private readonly WorkingDayCalendar calendar;
    private readonly SortedDictionary<string, Tally> tallies = new(StringComparer.Ordinal);

    // Plans and tasks once each, whichever departments share them (a department's tally counts its own part).
    private readonly EnforcementTally municipalEnforcement = new();

    /// <param name="departments">Every department of the municipality: each has a section, zeros included.</param>
    public ReportCalculator(ReportPeriod period, DateTimeOffset asOf, WorkingDayCalendar calendar, IEnumerable<string> departments)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(departments);
        this.period = period;
        this.asOf = asOf;
        this.calendar = calendar;
        foreach (var department in departments)
        {
            tallies[department] = new Tally();
        }
    }

    /// <summary>The instant a report on <paramref name="period"/> is taken at: the period's end, or now while it runs (partial).</summary>
    public static (DateTimeOffset AsOf, bool Partial) AsOfFor(ReportPeriod period, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(period);
        return now >= period.End ? (ChinaTime.ToChina(period.End), false) : (ChinaTime.ToChina(now), true);
    }

    public void AddApproval(string approvalId, IReadOnlyList<ApprovalPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var part in parts)
        {
            if (!InPeriod(part.RoutedAt) || !tallies.TryGetValue(part.Department, out var tally))
            {
                continue;
            }

            var a = tally.Approvals;
            a.Routed++;
            if (part.Status == ClaimStatus.Claimed && part.ClaimedAt < asOf)
            {
                a.Claimed++;
                a.ClaimedOnTime += part.ClaimedLateOn(calendar) ? 0 : 1;
            }
            else if (part.Status == ClaimStatus.Declined && part.DeclinedAt < asOf)
            {
                a.Declined++;

                // The coordinator settled the decline by assigning the approval to another department.
                a.Reassigned += part.SettledAt < asOf ? 1 : 0;
            }
            else if (part.Status == ClaimStatus.Assigned)
            {
                // The coordinator's own part, handed on to a competent department.
                a.Reassigned++;
            }
            else if (asOf >= part.EffectiveDueAt(calendar))
            {
                // Not claimed or declined by asOf, and its claim deadline has passed: as the listing's "overdue".
                a.Overdue++;
                var deadline = part.ClaimDeadlineOn(calendar).Deadline;
                tally.Overdue.Add(new OverdueItem("approval", approvalId, "claim", deadline, LateBy(deadline)));
            }
        }
    }

    public void AddLead(LeadState lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        foreach (var part in lead.Recipients)
        {
            if (!InPeriod(part.RelayedAt) || !tallies.TryGetValue(part.Department, out var tally))
            {
                continue;
            }

            var l = tally.Leads;
            l.Received++;
            l.Receipted += part.Receipt?.SignedAt < asOf ? 1 : 0;
            var returned = part.Return is { } r && r.At < asOf;
            var result = part.Result is { } s && s.ReportedAt < asOf;
            if (returned)
            {
                l.Returned++;
                l.ReturnedOnTime += part.Return!.Lateness.Late ? 0 : 1;
            }
            else if (result)
            {
                l.Results++;
                l.FeedbackOnTime += part.Result!.Lateness.Late ? 0 : 1;
            }
            else
            {
                l.Open++;
                if (part.FeedbackClock is { } clock && part.CompletedAt < asOf && LeadClocks.Measure(calendar, clock, asOf) is { Late: true } late)
                {
                    l.FeedbackOverdue++;
                    tally.Overdue.Add(new OverdueItem("lead", lead.LeadId, "feedback", clock.On(calendar).Deadline, late.WorkingDaysLate));
                }
            }
        }
    }

    /// <summary>
    /// A plan counts in the period of its creation (initiated, participated, its publication), its tasks in the period of
    /// their dispatch. A task is overdue when its plan's results due date (the window's end, or the later day a suspension
    /// moved it to) has passed without its result, and not while a suspension holds the results clock; the publication when
    /// its clock ran out unpublished (the clock starts at the results due date at the latest, so an unstarted one is measured from there).
    /// </summary>
    public void AddPlan(PlanState plan, IReadOnlyList<PlanTaskFact> tasks)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(tasks);
        if (InPeriod(plan.CreatedAt))
        {
            municipalEnforcement.PlansInitiated++;
            if (tallies.TryGetValue(plan.Initiator, out var initiator))
            {
                initiator.Enforcement.PlansInitiated++;
            }

            foreach (var participant in plan.Input.Participants.Distinct(StringComparer.Ordinal))
            {
                municipalEnforcement.PlansParticipated++;
                if (tallies.TryGetValue(participant, out var tally))
                {
                    tally.Enforcement.PlansParticipated++;
                }
            }

            AddPublication(plan);
        }

        if (plan.DispatchedAt is not { } dispatchedAt || !InPeriod(dispatchedAt))
        {
            return;
        }

        var resultsDue = plan.ResultsDue;
        var resultsPaused = plan.Suspension?.Clocks.Any(c => c.Clock == PlanClocks.Results) == true;
        foreach (var task in tasks)
        {
            var done = task.ResultAt < asOf;
            var overdue = !done && !resultsPaused && asOf >= ChinaTime.EndOf(resultsDue);
            var counted = new List<EnforcementTally> { municipalEnforcement };
            foreach (var department in task.Departments)
            {
                if (tallies.TryGetValue(department, out var tally))
                {
                    counted.Add(tally.Enforcement);
                    if (overdue)
                    {
                        tally.Overdue.Add(new OverdueItem("task", plan.PlanId + "/" + task.TaskId, "result", resultsDue, LateBy(resultsDue)));
                    }
                }
            }

            foreach (var e in counted)
            {
                e.TasksAssigned++;
                e.TasksCompleted += done ? 1 : 0;
                e.TasksCompletedOnTime += done && !task.Late ? 1 : 0;
                e.TasksOverdue += overdue ? 1 : 0;
            }
        }
    }

    private void AddPublication(PlanState plan)
    {
        if (plan.DispatchedAt is not { } dispatchedAt || dispatchedAt >= asOf)
        {
            return;
        }

        tallies.TryGetValue(plan.Input.LeadDepartment, out var lead);
        if (plan.Publication is { } publication && publication.At < asOf)
        {
            foreach (var e in new[] { municipalEnforcement, lead?.Enforcement }.OfType<EnforcementTally>())
            {
                e.Published++;
                e.PublishedOnTime += publication.Lateness.Late ? 0 : 1;
            }

            return;
        }

        var clock = plan.PublishClock ?? new ClockBasis(plan.ResultsDue, plan.Input.PublishWithinWorkingDays);
        if (LeadClocks.Measure(calendar, clock, asOf) is not { Late: true } late)
        {
            return;
        }

        municipalEnforcement.PublicationOverdue++;
        if (lead is not null)
        {
            lead.Enforcement.PublicationOverdue++;
            lead.Overdue.Add(new OverdueItem("plan", plan.PlanId, "publication", clock.On(calendar).Deadline, late.WorkingDaysLate));
        }
    }

    public ReportContent Build(int version, int? supersedes, bool partial, decimal namedBelowRate)
    {
        var departments = tallies.Select(t => new DepartmentSection(
            t.Key,
            t.Value.Approvals.Counts(),
            t.Value.Leads.Counts(),
            t.Value.Enforcement.Counts(),
            Rate(t.Value.Approvals.OnTime + t.Value.Leads.OnTime + t.Value.Enforcement.OnTime, t.Value.Approvals.Due + t.Value.Leads.Due + t.Value.Enforcement.Due),
            t.Value.Overdue.OrderBy(i => i.Kind, StringComparer.Ordinal).ThenBy(i => i.Id, StringComparer.Ordinal).ThenBy(i => i.Step, StringComparer.Ordinal).ToArray(),
            t.Value.ActionItems.Counts())).ToArray();

        var approvals = new ApprovalTally();
        var leads = new LeadTally();
        foreach (var tally in tallies.Values)
        {
            approvals.Add(tally.Approvals);
            leads.Add(tally.Leads);
        }

        var named = departments
            .Where(d => d.OnTimeRate is { } rate && rate < namedBelowRate)
            .Select(d => new NamedDepartment(d.Department, d.OnTimeRate!.Value))
            .OrderBy(d => d.OnTimeRate).ThenBy(d => d.Department, StringComparer.Ordinal)
            .ToArray();

        return new ReportContent(
            period.Name, version, supersedes, partial, asOf, period.From, period.Last, namedBelowRate,
            new MunicipalitySection(
                approvals.Counts(),
                leads.Counts(),
                municipalEnforcement.Counts(),
                Rate(approvals.OnTime + leads.OnTime + municipalEnforcement.OnTime, approvals.Due + leads.Due + municipalEnforcement.Due),
                MunicipalActionItems()),
            departments,
            named);
    }

    // ---- Coordination meetings' action items: counted apart, outside the on-time rates. ----

    /// <summary>
    /// An action item counts in every period it was live in: assigned before the period's end (and asOf), not closed
    /// before its start, so an item still open is carried into the next period's report. Late at asOf means overdue.
    /// </summary>
    public void AddActionItem(ActionItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.AssignedAt >= period.End || item.AssignedAt >= asOf || item.ClosedAt < period.Start || !tallies.TryGetValue(item.Owner, out var tally))
        {
            return;
        }

        var a = tally.ActionItems;
        if (item.Status == ActionItemStatus.Closed && item.ClosedAt < asOf)
        {
            a.Closed++;
            a.ClosedOnTime += item.Lateness is { Late: true } ? 0 : 1;
            return;
        }

        a.Open++;
        var due = item.Clock.On(calendar);
        if (asOf >= due.DueAt)
        {
            a.Overdue++;
            tally.Overdue.Add(new OverdueItem("action-item", item.Id, "close", due.Deadline, LateBy(due.Deadline)));
        }
    }

    private ActionItemCounts MunicipalActionItems()
    {
        var all = new ActionItemTally();
        foreach (var tally in tallies.Values)
        {
            all.Open += tally.ActionItems.Open;
            all.Closed += tally.ActionItems.Closed;
            all.ClosedOnTime += tally.ActionItems.ClosedOnTime;
            all.Overdue += tally.ActionItems.Overdue;
        }

        return all.Counts();
    }

    private sealed class ActionItemTally
    {
        public int Open;
        public int Closed;
        public int ClosedOnTime;
        public int Overdue;

        public ActionItemCounts Counts() => new(Open, Closed, ClosedOnTime, Overdue);
    }

    // ---- end of action items ----

    private bool InPeriod(DateTimeOffset at) => at >= period.Start && at < period.End && at < asOf;

    /// <summary>Working days from the deadline to asOf, the day of asOf moved to a working day first (as a late step is counted).</summary>
    private int LateBy(DateOnly deadline)
    {
        var day = ChinaTime.DateOf(asOf);
        while (!calendar.IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return calendar.WorkingDaysBetween(deadline, day);
    }

    /// <summary>On-time steps over steps that came due (taken, or overdue), to four places; null when nothing came due.</summary>
    private static decimal? Rate(int onTime, int due) => due == 0 ? null : Math.Round((decimal)onTime / due, 4, MidpointRounding.ToEven);

    private sealed class Tally
    {
        public ApprovalTally Approvals { get; } = new();

        public LeadTally Leads { get; } = new();

        public EnforcementTally Enforcement { get; } = new();

        public List<OverdueItem> Overdue { get; } = [];

        public ActionItemTally ActionItems { get; } = new();
    }

    private sealed class ApprovalTally
    {
        public int Routed;
        public int Claimed;
        public int ClaimedOnTime;
        public int Overdue;
        public int Declined;
        public int Reassigned;

        public int OnTime => ClaimedOnTime;

        public int Due => Claimed + Overdue;

        public ApprovalCounts Counts() => new(Routed, Claimed, ClaimedOnTime, Overdue, Declined, Reassigned, Rate(OnTime, Due));

        public void Add(ApprovalTally other)
        {
            Routed += other.Routed;
            Claimed += other.Claimed;
            ClaimedOnTime += other.ClaimedOnTime;
            Overdue += other.Overdue;
            Declined += other.Declined;
            Reassigned += other.Reassigned;
        }
    }

    private sealed class LeadTally
    {
        public int Received;
        public int Receipted;
        public int Returned;
        public int ReturnedOnTime;
        public int Results;
        public int FeedbackOnTime;
        public int Open;
        public int FeedbackOverdue;

        public int OnTime => ReturnedOnTime + FeedbackOnTime;

        public int Due => Returned + Results + FeedbackOverdue;

        public LeadCounts Counts() => new(Received, Receipted, Returned, ReturnedOnTime, Results, FeedbackOnTime, Open, Rate(OnTime, Due));

        public void Add(LeadTally other)
        {
            Received += other.Received;
            Receipted += other.Receipted;
            Returned += other.Returned;
            ReturnedOnTime += other.ReturnedOnTime;
            Results += other.Results;
            FeedbackOnTime += other.FeedbackOnTime;
            Open += other.Open;
            FeedbackOverdue += other.FeedbackOverdue;
        }
    }

    private sealed class EnforcementTally
    {
        public int PlansInitiated;
        public int PlansParticipated;
        public int TasksAssigned;
        public int TasksCompleted;
        public int TasksCompletedOnTime;
        public int TasksOverdue;
        public int Published;
        public int PublishedOnTime;
        public int PublicationOverdue;

        public int OnTime => TasksCompletedOnTime + PublishedOnTime;

        public int Due => TasksCompleted + TasksOverdue + Published + PublicationOverdue;

        public EnforcementCounts Counts() => new(
            PlansInitiated, PlansParticipated, TasksAssigned, TasksCompleted, TasksCompletedOnTime, TasksOverdue, Published, PublishedOnTime, PublicationOverdue, Rate(OnTime, Due));
    }
}
