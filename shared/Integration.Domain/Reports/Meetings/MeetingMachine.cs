using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Kernel;

namespace Integration.Domain.Reports.Meetings;

/// <summary>
/// The coordination meeting's state machine, as pure functions of (state, caller, input, now, calendar). Each command is
/// checked in the same order as the other flows: may the caller do it (403), does the meeting's state allow it (409), is
/// the input valid (400); only then does it produce a transition.
/// </summary>
public static class MeetingMachine
{
    public const string Kind = "coordination-meeting";

    /// <summary>The meeting after a period's report, before anyone has acted on it.</summary>
    public static MeetingState ForPeriod(string period) => new() { MeetingId = period, Period = period, Status = MeetingStatus.Gathering };

    /// <summary>A department submits agenda items for the meeting (before it is held).</summary>
    public static MeetingDecision SubmitAgenda(MeetingState state, string caller, JsonElement body, DateTimeOffset now, MeetingRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (!rules.IsDepartment(caller))
        {
            return new MeetingRejection(MeetingRejectionKind.Forbidden, $"Agenda items come from the member departments; '{caller}' is not one.");
        }

        if (state.Status is MeetingStatus.Held or MeetingStatus.Declined)
        {
            return Conflict(state, "take agenda items");
        }

        var errors = new FieldErrors();
        if (MeetingInputs.Agenda(body, errors, caller, now) is not { } items)
        {
            return Invalid(errors);
        }

        // The same item from the same department again adds nothing.
        var added = items.Where(i => !state.Submitted.Any(s => s.SubmittedBy == caller && s.Title == i.Title && s.Detail == i.Detail))
            .DistinctBy(i => (i.Title, i.Detail)).ToArray();
        if (added.Length == 0)
        {
            return MeetingUnchanged.Instance;
        }

        var next = state with { Submitted = [.. state.Submitted, .. added] };
        return new MeetingTransition(next, "meeting.agenda-submitted", new { department = caller, titles = added.Select(i => i.Title).ToArray() }, [], [], [], []);
    }

    /// <summary>A department asks ndrc for an extra meeting (000 §(二)); ndrc is told.</summary>
    public static MeetingDecision Request(string meetingId, string caller, JsonElement body, DateTimeOffset now, MeetingRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (!rules.IsDepartment(caller))
        {
            return new MeetingRejection(MeetingRejectionKind.Forbidden, $"Extra meetings are asked for by the supervisory departments; '{caller}' is not one.");
        }

        var errors = new FieldErrors();
        if (MeetingInputs.Request(body, errors, caller, now) is not { } input)
        {
            return Invalid(errors);
        }

        var state = new MeetingState
        {
            MeetingId = meetingId,
            Status = MeetingStatus.Requested,
            RequestedBy = caller,
            Reason = input.Reason,
            RequestedAt = now,
            RequestFingerprint = input.Fingerprint(),
            Submitted = input.Agenda,
        };
        var notice = new MeetingNotice(rules.Coordinator, "coordination.meeting-requested", new
        {
            meetingId,
            requestedBy = caller,
            reason = input.Reason,
            agenda = input.Agenda.Select(i => i.Title).ToArray(),
            link = Link(state),
        });
        return new MeetingTransition(state, "meeting.requested", new { requestedBy = caller, reason = input.Reason, agenda = input.Agenda.Count }, [notice], [], [], []);
    }

    /// <summary>
    /// ndrc schedules the meeting, or moves it: every member department is told. The agenda defaults to what was submitted
    /// (<paramref name="acknowledged"/>: the items sent with the report's acknowledgements); the same time and agenda again change nothing.
    /// </summary>
    public static MeetingDecision Schedule(
        MeetingState state, string caller, bool mayCoordinate, JsonElement body, IReadOnlyList<AgendaItem> acknowledged, DateTimeOffset now, MeetingRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(acknowledged);
        ArgumentNullException.ThrowIfNull(rules);
        if (!mayCoordinate)
        {
            return new MeetingRejection(MeetingRejectionKind.Forbidden, $"Only the coordinator ({rules.Coordinator}) schedules coordination meetings; '{caller}' may not.");
        }

        if (state.Status is not (MeetingStatus.Gathering or MeetingStatus.Requested or MeetingStatus.Scheduled))
        {
            return Conflict(state, "be scheduled");
        }

        var errors = new FieldErrors();
        if (MeetingInputs.Schedule(body, errors, caller, now) is not { } input)
        {
            return Invalid(errors);
        }

        var agenda = input.Agenda ?? (state.Status == MeetingStatus.Scheduled ? state.Agenda : [.. acknowledged, .. state.Submitted]);
        if (state.Status == MeetingStatus.Scheduled && state.At == input.At && SameAgenda(state.Agenda, agenda))
        {
            return MeetingUnchanged.Instance;
        }

        var moved = state.Status == MeetingStatus.Scheduled;
        var next = state with
        {
            Status = MeetingStatus.Scheduled,
            At = input.At,
            ScheduledAt = now,
            Agenda = agenda,
            Rescheduled = state.Rescheduled + (moved ? 1 : 0),
        };
        var subject = moved ? "coordination.meeting-rescheduled" : "coordination.meeting-scheduled";
        var body1 = new
        {
            meetingId = state.MeetingId,
            period = state.Period,
            requestedBy = state.RequestedBy,
            at = input.At,
            previousAt = moved ? state.At : null,
            agenda = agenda.Select(i => i.Title).ToArray(),
            link = Link(state),
        };
        var notices = rules.Departments.Select(d => new MeetingNotice(d, subject, body1)).ToArray();
        var details = new { at = input.At, previousAt = moved ? state.At : null, agenda = agenda.Select(i => i.Title).ToArray(), notified = notices.Length };
        return new MeetingTransition(next, moved ? "meeting.rescheduled" : "meeting.scheduled", details, notices, [], [], []);
    }

    /// <summary>ndrc declines an extra meeting with its reason; the requester is told.</summary>
    public static MeetingDecision Decline(MeetingState state, string caller, bool mayCoordinate, JsonElement body, DateTimeOffset now, MeetingRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (!mayCoordinate)
        {
            return new MeetingRejection(MeetingRejectionKind.Forbidden, $"Only the coordinator ({rules.Coordinator}) declines a meeting request; '{caller}' may not.");
        }

        if (state.Status != MeetingStatus.Requested)
        {
            return Conflict(state, "be declined (only a requested extra meeting can be)");
        }

        var errors = new FieldErrors();
        if (MeetingInputs.Text(body, errors, "reason", 1000) is not { } reason)
        {
            return Invalid(errors);
        }

        var next = state with { Status = MeetingStatus.Declined, Decline = new MeetingDecline(reason, caller, now) };
        var notice = new MeetingNotice(state.RequestedBy!, "coordination.meeting-declined", new { meetingId = state.MeetingId, reason, link = Link(state) });
        return new MeetingTransition(next, "meeting.declined", new { reason }, [notice], [], [], []);
    }

    /// <summary>
    /// ndrc records the minutes once, after the meeting's time: each action item starts its own working-day clock from
    /// the minutes' China date, and its owner is told. The same minutes again change nothing; different ones are a conflict.
    /// </summary>
    public static MeetingDecision RecordMinutes(
        MeetingState state, string caller, bool mayCoordinate, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, MeetingRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (!mayCoordinate)
        {
            return new MeetingRejection(MeetingRejectionKind.Forbidden, $"Only the coordinator ({rules.Coordinator}) records the minutes; '{caller}' may not.");
        }

        if (state.Status is not (MeetingStatus.Scheduled or MeetingStatus.Held))
        {
            return Conflict(state, "take minutes (it must be scheduled first)");
        }

        if (state.Status == MeetingStatus.Scheduled && now < state.At)
        {
            return new MeetingRejection(
                MeetingRejectionKind.Conflict, $"Meeting {state.MeetingId} is scheduled for {state.At:O}; its minutes are recorded after it.", State: MeetingNames.Of(state.Status));
        }

        var errors = new FieldErrors();
        if (MeetingInputs.Minutes(body, errors, rules.IsDepartment) is not { } input)
        {
            return Invalid(errors);
        }

        var fingerprint = input.Fingerprint();
        if (state.Minutes is { } recorded)
        {
            return recorded.Fingerprint == fingerprint
                ? MeetingUnchanged.Instance
                : new MeetingRejection(
                    MeetingRejectionKind.Conflict,
                    $"The minutes of meeting {state.MeetingId} were recorded at {recorded.RecordedAt:O} and differ from these; minutes are recorded once.",
                    State: MeetingNames.Of(state.Status));
        }

        var clockFrom = ChinaTime.DateOf(now);
        var items = input.ActionItems.Select((a, i) => new ActionItem
        {
            Id = MeetingNames.ActionId(state.MeetingId, i + 1),
            MeetingId = state.MeetingId,
            Period = state.Period,
            Owner = a.Owner,
            What = a.What,
            DueWorkingDays = a.DueWorkingDays,
            Clock = new ClockBasis(clockFrom, a.DueWorkingDays),
            AssignedAt = now,
        }).ToArray();
        var next = state with
        {
            Status = MeetingStatus.Held,
            Minutes = new MeetingMinutes(input.Summary, input.Decisions, caller, now, fingerprint),
            ActionItems = items,
        };

        // Every member department learns the minutes are out; each owner's message lists its own action items.
        var notices = rules.Departments.Select(d => new MeetingNotice(d, "coordination.meeting-minutes", new
        {
            meetingId = state.MeetingId,
            period = state.Period,
            decisions = input.Decisions.Count,
            actionItems = items.Where(a => a.Owner == d).Select(a => ActionBody(a, calendar)).ToArray(),
            link = Link(state),
        })).ToArray();
        var details = new
        {
            decisions = input.Decisions.Count,
            actionItems = items.Select(a => new { id = a.Id, owner = a.Owner, dueWorkingDays = a.DueWorkingDays, deadline = a.Clock.On(calendar) }).ToArray(),
            fingerprint,
        };
        return new MeetingTransition(next, "meeting.minutes-recorded", details, notices, items.SelectMany(MeetingClocks.Start).ToArray(), [], []);
    }

    /// <summary>The owner closes its action item with the outcome; late or not is measured on its clock. ndrc is told.</summary>
    public static MeetingDecision CloseAction(
        MeetingState state, string actionId, string caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, MeetingRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (state.ActionItem(actionId) is not { } item)
        {
            return new MeetingRejection(MeetingRejectionKind.NotFound, $"There is no action item {actionId}.");
        }

        if (item.Owner != caller)
        {
            return new MeetingRejection(MeetingRejectionKind.Forbidden, $"Action item {actionId} is {item.Owner}'s to close; '{caller}' may not.");
        }

        var errors = new FieldErrors();
        var outcome = MeetingInputs.Text(body, errors, "outcome", 2000);
        if (item.Status == ActionItemStatus.Closed)
        {
            return outcome is not null && outcome == item.Outcome
                ? MeetingUnchanged.Instance
                : new MeetingRejection(MeetingRejectionKind.Conflict, $"Action item {actionId} was closed at {item.ClosedAt:O} with another outcome.", State: "closed");
        }

        if (outcome is null)
        {
            return Invalid(errors);
        }

        var lateness = item.Clock.LatenessOf(now, calendar);
        var closed = item with { Status = ActionItemStatus.Closed, ClosedAt = now, Outcome = outcome, Lateness = lateness };
        var next = state with { ActionItems = state.ActionItems.Select(a => a.Id == actionId ? closed : a).ToArray() };
        var notice = new MeetingNotice(rules.Coordinator, "coordination.action-closed", new
        {
            item = ActionBody(closed, calendar),
            outcome,
            late = lateness.Late,
            workingDaysLate = lateness.WorkingDaysLate,
        });
        var details = new { actionItem = actionId, outcome, deadline = item.Clock.On(calendar), late = lateness.Late, workingDaysLate = lateness.WorkingDaysLate };
        return new MeetingTransition(next, "meeting.action-closed", details, [notice], [], MeetingClocks.Both(actionId), []);
    }

    /// <summary>
    /// An action item's clock came due: the reminder to its owner on the last working day, or the overdue warning to the
    /// owner and ndrc. Null when the item was closed meanwhile (a stale wake-up): nothing is recorded.
    /// </summary>
    public static MeetingTransition? OnDeadline(
        MeetingState state, string action, string deadline, string? actionId, DateTimeOffset now, WorkingDayCalendar calendar, MeetingRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (actionId is null || state.ActionItem(actionId) is not { Status: ActionItemStatus.Open } item)
        {
            return null;
        }

        var due = item.Clock.On(calendar);
        switch (action)
        {
            // A reminder woken only after its deadline would arrive after the fact; the warning says what matters.
            case MeetingClocks.ReminderAction when now < due.DueAt:
                return ClockTransition(state, item, action, deadline, "coordination.action-reminder", [item.Owner],
                    $"Today is the last working day to close action item {item.Id}.", calendar, stop: []);

            case MeetingClocks.OverdueAction:
                var overdue = item with { OverdueAt = now };
                return ClockTransition(state with { ActionItems = state.ActionItems.Select(a => a.Id == item.Id ? overdue : a).ToArray() }, overdue, action, deadline,
                    "coordination.action-overdue", [item.Owner, rules.Coordinator], $"Action item {item.Id} of {item.Owner} was not closed in time (超期未办结).", calendar,
                    stop: [MeetingClocks.Name(item.Id, reminder: true)]);

            default:
                return null;
        }
    }

    /// <summary>The API path of a meeting: a period's under its report, an extra one under /api/meetings.</summary>
    public static string Link(MeetingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Period is { } period ? $"/api/reports/coordination/{period}/meeting" : $"/api/meetings/{state.MeetingId}";
    }

    private static MeetingTransition ClockTransition(
        MeetingState state, ActionItem item, string action, string deadline, string subject, IReadOnlyList<string> to, string message, WorkingDayCalendar calendar, IReadOnlyList<string> stop)
    {
        var body = new { item = ActionBody(item, calendar), message };
        var notices = to.Distinct(StringComparer.Ordinal).Select(d => new MeetingNotice(d, subject, body)).ToArray();
        var details = new { actionItem = item.Id, owner = item.Owner, deadline = item.Clock.On(calendar), notified = notices.Select(n => n.Recipient).ToArray() };
        return new MeetingTransition(state, action, details, notices, [], stop, [deadline]);
    }

    private static object ActionBody(ActionItem item, WorkingDayCalendar calendar) => new
    {
        id = item.Id,
        meetingId = item.MeetingId,
        owner = item.Owner,
        what = item.What,
        dueWorkingDays = item.DueWorkingDays,
        deadline = item.Clock.On(calendar),
    };

    private static bool SameAgenda(IReadOnlyList<AgendaItem> a, IReadOnlyList<AgendaItem> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Title == p.Second.Title && p.First.Detail == p.Second.Detail);

    private static MeetingRejection Conflict(MeetingState state, string what)
    {
        var status = MeetingNames.Of(state.Status);
        return new MeetingRejection(MeetingRejectionKind.Conflict, $"Meeting {state.MeetingId} is '{status}'; it cannot {what}.", State: status);
    }

    private static MeetingRejection Invalid(FieldErrors errors) =>
        new(MeetingRejectionKind.Invalid, "One or more fields are invalid.", errors.ToDictionary());
}
