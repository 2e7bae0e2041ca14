using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;

namespace Integration.Domain.Leads;

/// <summary>
/// The lead's state machine, as pure functions of (state, caller, input, now, calendar). Each command
/// is checked in the same order: may the caller do it at all (403), is the lead in a state that allows
/// it (409), is the input valid (400); only then does it produce a transition.
/// </summary>
public static class LeadMachine
{
    public const string Kind = "lead";

    /// <summary>Intake and relay in one step: the lead is stored and relayed at the same instant.</summary>
    public static LeadTransition Submit(LeadSubmission submission, string submitter, LeadRouteDecision routing, DateTimeOffset now, WorkingDayCalendar calendar, LeadRules rules, LeadOrigin? origin = null)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(rules);
        var relayClock = new ClockBasis(ChinaTime.DateOf(submission.DiscoveredAt), rules.RelayWorkingDays);
        var lateness = LeadClocks.Measure(calendar, relayClock, now);
        var recipients = routing.Recipients.Select(r => new Recipient
        {
            Department = r.Department,
            Role = r.Role,
            Reason = r.Reason,
            Status = RecipientStatus.Relayed,
            RelayedAt = now,
            RelayClock = relayClock,
            RelayLateness = lateness,
        }).ToArray();
        var assignment = routing.AssignmentReason is { } why ? new LeadAssignment(now, why, relayClock) : null;
        var routedTo = recipients.Select(r => r.Department).Concat(assignment is null ? [] : [rules.Coordinator]).Distinct(StringComparer.Ordinal).ToArray();
        var state = new LeadState
        {
            Submission = submission,
            Fingerprint = submission.Fingerprint(),
            SubmittedBy = submitter,
            SubmittedAt = now,
            RelayClock = relayClock,
            RoutedTo = routedTo,
            RelayedAt = now,
            RelayLateness = lateness,
            Recipients = recipients,
            Assignment = assignment,
            Origin = origin,
        };

        var notices = recipients.Select(r => Relayed(state, r.Department, LeadNames.Of(r.Role), r.Reason, toRoute: false, r.RelayClock, r.RelayedAt, r.RelayLateness, calendar)).ToList();
        var start = new List<ClockStart>();
        if (assignment is not null)
        {
            notices.Add(Relayed(state, rules.Coordinator, "coordinator", assignment.Reason, toRoute: true, relayClock, now, lateness, calendar));
            start.AddRange(RelayClocks(relayClock, rules));
        }

        var details = new
        {
            submittedBy = submitter,
            discoveredAt = submission.DiscoveredAt,
            relayDeadline = relayClock.On(calendar),
            relayedAt = now,
            late = lateness.Late,
            workingDaysLate = lateness.WorkingDaysLate,
            routes = recipients.Select(r => new { department = r.Department, role = LeadNames.Of(r.Role), reason = r.Reason }).ToArray(),
            toRoute = assignment?.Reason,
            materials = submission.Evidence.Count,
            confidentialSource = submission.Source is not null,
            origin,
        };
        return new LeadTransition(state, "lead.submitted", details, notices, start, [], []);
    }

    /// <summary>The recipient signs the transfer receipt (移送回执), listing the materials it received.</summary>
    public static LeadDecision Receipt(LeadState state, string caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, LeadRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (Check(state, caller, "sign a receipt for", [RecipientStatus.Relayed]) is { } rejected)
        {
            return rejected;
        }

        var errors = new FieldErrors();
        var input = LeadInputs.Receipt(body, errors);
        if (input is null)
        {
            return Invalid(errors);
        }

        var catalogue = state.Submission.Evidence;
        for (var i = 0; i < input.Materials.Count; i++)
        {
            if (catalogue.All(e => e.Sha256 != input.Materials[i]))
            {
                errors.Add($"materials[{i}]", $"'{input.Materials[i]}' is not in the material catalogue of lead {state.LeadId}.");
            }
        }

        if (!errors.IsEmpty)
        {
            return Invalid(errors);
        }

        var part = state.PartOf(caller)!;
        var received = catalogue.Where(e => input.Materials.Contains(e.Sha256)).ToArray();
        var missing = catalogue.Where(e => !input.Materials.Contains(e.Sha256)).ToArray();
        var receipt = new LeadReceipt(now, caller, received, missing, input.Note);
        var returnClock = new ClockBasis(ChinaTime.DateOf(now), rules.ReturnWorkingDays);
        var next = Replace(state, part, part with { Status = RecipientStatus.Received, Receipt = receipt, ReturnClock = returnClock });
        var notice = new LeadNotice(LeadAudience.Submitter, state.SubmittedBy, "lead.receipt", new LeadReceiptNotice(state.LeadId, caller, now, received, missing, input.Note));
        var details = new
        {
            department = caller,
            received = received.Select(e => e.Sha256).ToArray(),
            missing = missing.Select(e => new { name = e.Name, sha256 = e.Sha256 }).ToArray(),
            returnDeadline = returnClock.On(calendar),
        };
        return new LeadTransition(next, "lead.receipt-signed", details, [notice], ReturnClocks(returnClock, caller), [], []);
    }

    /// <summary>A recipient that is not competent returns the lead with written reasons; the coordinator routes it again.</summary>
    public static LeadDecision Return(LeadState state, string caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, LeadRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (Check(state, caller, "return", [RecipientStatus.Received]) is { } rejected)
        {
            return rejected;
        }

        var errors = new FieldErrors();
        var input = LeadInputs.Return(body, errors);
        if (input is null)
        {
            return Invalid(errors);
        }

        var part = state.PartOf(caller)!;
        var returnClock = part.ReturnClock ?? new ClockBasis(ChinaTime.DateOf(part.Receipt?.SignedAt ?? now), rules.ReturnWorkingDays);
        var lateness = LeadClocks.Measure(calendar, returnClock, now);
        var next = Replace(state, part, part with { Status = RecipientStatus.Returned, Return = new LeadReturn(now, input.Reason, lateness) });
        var start = new List<ClockStart>();
        var toRoute = next.Assignment is null && !next.Active.Any(r => r.Role == RecipientRole.Supervisor);
        if (toRoute)
        {
            var relayClock = new ClockBasis(ChinaTime.DateOf(now), rules.RelayWorkingDays);
            next = next with { Assignment = new LeadAssignment(now, $"returned by {caller}", relayClock) };
            start.AddRange(RelayClocks(relayClock, rules));
        }

        var body1 = new LeadReturnedNotice(state.LeadId, caller, input.Reason, now, returnClock.On(calendar), lateness, next.Assignment is not null);
        LeadNotice[] notices =
        [
            new(LeadAudience.Department, rules.Coordinator, "lead.returned", body1),
            new(LeadAudience.Submitter, state.SubmittedBy, "lead.returned", body1),
        ];
        var details = new
        {
            department = caller,
            reason = input.Reason,
            returnDeadline = returnClock.On(calendar),
            late = lateness.Late,
            workingDaysLate = lateness.WorkingDaysLate,
            toRoute = next.Assignment is not null,
        };
        return new LeadTransition(next, "lead.returned", details, notices, start, ReturnDeadlines(caller), []);
    }

    /// <summary>Handling has ended (处理完毕): the result is due within the feedback clock, which starts now.</summary>
    public static LeadDecision Complete(LeadState state, string caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, LeadRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (Check(state, caller, "report handling complete for", [RecipientStatus.Received]) is { } rejected)
        {
            return rejected;
        }

        var errors = new FieldErrors();
        var input = LeadInputs.Completion(body, errors, now);
        var part = state.PartOf(caller)!;
        if (input is not null && input.CompletedAt < part.RelayedAt)
        {
            errors.Add("completedAt", $"{input.CompletedAt:O} is before the lead reached {caller} ({part.RelayedAt:O}).");
        }

        if (input is null || !errors.IsEmpty)
        {
            return Invalid(errors);
        }

        var feedbackClock = new ClockBasis(ChinaTime.DateOf(input.CompletedAt), rules.FeedbackWorkingDays);
        var next = Replace(state, part, part with { Status = RecipientStatus.Handled, CompletedAt = input.CompletedAt, FeedbackClock = feedbackClock });
        var details = new { department = caller, completedAt = input.CompletedAt, feedbackDeadline = feedbackClock.On(calendar) };
        return new LeadTransition(next, "lead.handling-completed", details, [], FeedbackClocks(feedbackClock, caller), ReturnDeadlines(caller), []);
    }

    /// <summary>The recipient reports its result; the trading centre receives it as feedback.</summary>
    public static LeadDecision Result(LeadState state, string caller, JsonElement body, DateTimeOffset now, WorkingDayCalendar calendar, LeadRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (Check(state, caller, "report a result for", [RecipientStatus.Received, RecipientStatus.Handled]) is { } rejected)
        {
            return rejected;
        }

        var part = state.PartOf(caller)!;
        var errors = new FieldErrors();
        var input = LeadInputs.Result(body, errors, now);
        if (input is not null)
        {
            if (part.CompletedAt is { } recorded && input.CompletedAt is { } given && given != recorded)
            {
                errors.Add("completedAt", $"Handling was reported complete at {recorded:O}; leave completedAt out or send that instant.");
            }
            else if (part.CompletedAt is null && input.CompletedAt is null)
            {
                errors.Add("completedAt", "Required: when handling ended (ISO-8601 with an offset).");
            }
            else if (input.CompletedAt < part.RelayedAt)
            {
                errors.Add("completedAt", $"{input.CompletedAt:O} is before the lead reached {caller} ({part.RelayedAt:O}).");
            }
        }

        if (input is null || !errors.IsEmpty)
        {
            return Invalid(errors);
        }

        var completedAt = part.CompletedAt ?? input.CompletedAt!.Value;
        var feedbackClock = part.FeedbackClock ?? new ClockBasis(ChinaTime.DateOf(completedAt), rules.FeedbackWorkingDays);
        var lateness = LeadClocks.Measure(calendar, feedbackClock, now);
        var result = new LeadResult(input.Outcome, input.Decision, completedAt, now, lateness);
        var next = Replace(state, part, part with { Status = RecipientStatus.FedBack, CompletedAt = completedAt, FeedbackClock = feedbackClock, Result = result });
        var notice = new LeadNotice(LeadAudience.Submitter, state.SubmittedBy, "lead.feedback", new LeadFeedbackNotice(
            state.LeadId, caller, LeadNames.Of(part.Role), input.Outcome, input.Decision, completedAt, now, feedbackClock.On(calendar), lateness));
        var details = new
        {
            department = caller,
            outcome = input.Outcome,
            completedAt,
            feedbackDeadline = feedbackClock.On(calendar),
            late = lateness.Late,
            workingDaysLate = lateness.WorkingDaysLate,
        };
        return new LeadTransition(next, "lead.result-reported", details, [notice], [], [.. ReturnDeadlines(caller), .. FeedbackDeadlines(caller)], []);
    }

    /// <summary>The coordinator routes the lead to a department: after a return, when nobody competent was found, or to add one.</summary>
    public static LeadDecision Route(LeadState state, string caller, bool mayRoute, JsonElement body, Func<string, bool> isDepartment, DateTimeOffset now, WorkingDayCalendar calendar, LeadRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        if (!mayRoute)
        {
            return new LeadRejection(LeadRejectionKind.Forbidden, $"Only the coordinator ({rules.Coordinator}) routes leads; '{caller}' may not.");
        }

        var errors = new FieldErrors();
        var input = LeadInputs.Route(body, errors, isDepartment);
        if (input is null)
        {
            return Invalid(errors);
        }

        if (state.PartOf(input.Department) is { IsActive: true } holding)
        {
            return new LeadRejection(
                LeadRejectionKind.Conflict,
                $"Lead {state.LeadId} is already with {input.Department}, whose part is '{LeadNames.Of(holding.Status)}'.",
                State: LeadNames.Of(holding.Status));
        }

        var role = input.Department == rules.Police ? RecipientRole.Police : RecipientRole.Supervisor;
        var clock = state.Assignment?.Clock ?? state.RelayClock;
        var lateness = LeadClocks.Measure(calendar, clock, now);
        var reason = input.Reason ?? $"routed by {caller}";
        var part = new Recipient
        {
            Department = input.Department,
            Role = role,
            Reason = reason,
            Status = RecipientStatus.Relayed,
            RelayedAt = now,
            RelayClock = clock,
            RelayLateness = lateness,
        };
        var settles = role == RecipientRole.Supervisor && state.Assignment is not null;
        var next = state with { Recipients = [.. state.Recipients, part], Assignment = settles ? null : state.Assignment };
        var notice = Relayed(next, input.Department, LeadNames.Of(role), reason, toRoute: false, clock, now, lateness, calendar);
        var details = new
        {
            department = input.Department,
            role = LeadNames.Of(role),
            reason,
            relayDeadline = clock.On(calendar),
            late = lateness.Late,
            workingDaysLate = lateness.WorkingDaysLate,
            settlesRouting = settles,
        };
        IReadOnlyList<string> stop = settles ? [LeadClocks.Name(LeadClocks.Relay), LeadClocks.Name(LeadClocks.Relay, reminder: true)] : [];
        return new LeadTransition(next, "lead.routed", details, [notice], [], stop, []);
    }

    /// <summary>
    /// A clock's deadline came due. Null when the step it waited for has been taken (a stale wake-up):
    /// then nothing is recorded and nobody is told.
    /// </summary>
    public static LeadTransition? OnDeadline(LeadState state, string action, string deadline, string? department, DateTimeOffset now, WorkingDayCalendar calendar, LeadRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        var part = department is null ? null : state.PartOf(department);

        // A reminder that wakes only after its deadline (the platform was down all the last day) would
        // arrive after the fact; the overdue warning says what matters.
        bool Before(ClockBasis clock) => now < clock.On(calendar).DueAt;

        switch (action)
        {
            case LeadClocks.RelayReminderAction when state.Assignment is { } assignment && Before(assignment.Clock):
                return Clock(state, action, deadline, LeadClocks.Relay, null, rules.Coordinator, "reminder", assignment.Clock, calendar,
                    $"Lead {state.LeadId} waits to be routed: the last working day to route it is today.", [rules.Coordinator]);

            case LeadClocks.RelayOverdueAction when state.Assignment is { } assignment:
                return Clock(state with { Assignment = assignment with { OverdueAt = now } }, action, deadline, LeadClocks.Relay, null, rules.Coordinator, "overdue",
                    assignment.Clock, calendar, $"Lead {state.LeadId} was not routed in time (超期未移送).", [rules.Coordinator]);

            case LeadClocks.ReturnReminderAction when part is { Status: RecipientStatus.Received, ReturnClock: { } clock } && Before(clock):
                return Clock(state, action, deadline, LeadClocks.Return, part.Department, part.Department, "reminder", clock, calendar,
                    $"Today is the last working day to return lead {state.LeadId} if {part.Department} is not competent for it.", [part.Department]);

            case LeadClocks.ReturnWindowClosedAction when part is { Status: RecipientStatus.Received, ReturnClock: { } clock }:
                return Clock(Replace(state, part, part with { ReturnWindowClosedAt = now }), action, deadline, LeadClocks.Return, part.Department, part.Department,
                    "window-closed", clock, calendar,
                    $"The return window of lead {state.LeadId} has closed: {part.Department} is taken to be handling it, and a return from now on is late.",
                    [part.Department, rules.Coordinator]);

            case LeadClocks.FeedbackReminderAction when part is { Status: RecipientStatus.Handled, FeedbackClock: { } clock } && Before(clock):
                return Clock(state, action, deadline, LeadClocks.Feedback, part.Department, part.Department, "reminder", clock, calendar,
                    $"Today is the last working day to feed back the result of lead {state.LeadId}.", [part.Department]);

            case LeadClocks.FeedbackOverdueAction when part is { Status: RecipientStatus.Handled, FeedbackClock: { } clock }:
                return Clock(Replace(state, part, part with { FeedbackOverdueAt = now }), action, deadline, LeadClocks.Feedback, part.Department, part.Department,
                    "overdue", clock, calendar, $"The result of lead {state.LeadId} was not fed back in time (超期未反馈).", [part.Department, rules.Coordinator]);

            default:
                return null;
        }
    }

    /// <summary>Who may see a lead: the coordinator and the operator all, the submitter its own, a department those relayed to it.</summary>
    public static bool CanSee(LeadState state, string principal, bool seesEverything)
    {
        ArgumentNullException.ThrowIfNull(state);
        return RecordAccess.MayRead(principal, seesEverything, state.Parties);
    }

    /// <param name="owner">The department in the deadline's name (none for the coordinator's relay clock).</param>
    private static LeadTransition Clock(
        LeadState state, string action, string deadline, string clock, string? owner, string department, string kind, ClockBasis basis, WorkingDayCalendar calendar, string message, IReadOnlyList<string> to)
    {
        var due = basis.On(calendar);
        var subject = kind switch
        {
            "reminder" => "lead.reminder",
            "overdue" => "lead.overdue",
            _ => "lead.return-window-closed",
        };
        var body = new LeadClockNotice(state.LeadId, clock, department, kind, due, message);
        var notices = to.Distinct(StringComparer.Ordinal).Select(d => new LeadNotice(LeadAudience.Department, d, subject, body)).ToArray();
        var details = new { clock, department, deadline = due, notified = notices.Select(n => n.Recipient).ToArray() };
        // Once the deadline itself has come, its reminder has nothing left to say.
        IReadOnlyList<string> stop = kind == "reminder" ? [] : [LeadClocks.Name(clock, owner, reminder: true)];
        return new LeadTransition(state, action, details, notices, [], stop, [deadline]);
    }

    private static LeadRejection? Check(LeadState state, string caller, string what, IReadOnlyCollection<RecipientStatus> allowed)
    {
        var part = state.PartOf(caller);
        if (part is null)
        {
            return new LeadRejection(LeadRejectionKind.Forbidden, $"Lead {state.LeadId} was not relayed to '{caller}', so it may not {what} it.");
        }

        if (!allowed.Contains(part.Status))
        {
            var status = LeadNames.Of(part.Status);
            return new LeadRejection(
                LeadRejectionKind.Conflict,
                $"Lead {state.LeadId} is '{status}' for {caller}; to {what} it, it must be {string.Join(" or ", allowed.Select(s => $"'{LeadNames.Of(s)}'"))}.",
                State: status);
        }

        return null;
    }

    private static LeadRejection Invalid(FieldErrors errors) =>
        new(LeadRejectionKind.Invalid, "One or more fields are invalid.", errors.ToDictionary());

    private static LeadState Replace(LeadState state, Recipient part, Recipient replacement)
    {
        var recipients = state.Recipients.ToList();
        recipients[recipients.LastIndexOf(part)] = replacement;
        return state with { Recipients = recipients };
    }

    private static LeadNotice Relayed(
        LeadState state, string department, string role, string reason, bool toRoute, ClockBasis clock, DateTimeOffset relayedAt, Lateness lateness, WorkingDayCalendar calendar)
    {
        var s = state.Submission;
        return new LeadNotice(LeadAudience.Department, department, "lead.relayed", new LeadRelayedNotice(
            s.LeadId, department, role, reason, toRoute, s.DiscoveredAt, s.ProjectCode, s.TenderId, s.Category, s.Industry, s.Summary,
            s.Parties, s.Evidence, s.SuspectedCrime, s.Source?.Channel, state.SubmittedBy, clock.On(calendar), relayedAt, lateness));
    }

    private static ClockStart[] RelayClocks(ClockBasis clock, LeadRules rules) =>
    [
        new(LeadClocks.Name(LeadClocks.Relay, reminder: true), LeadClocks.RelayReminderAction, clock, Reminder: true, rules.Coordinator),
        new(LeadClocks.Name(LeadClocks.Relay), LeadClocks.RelayOverdueAction, clock, Reminder: false, rules.Coordinator),
    ];

    private static ClockStart[] ReturnClocks(ClockBasis clock, string department) =>
    [
        new(LeadClocks.Name(LeadClocks.Return, department, reminder: true), LeadClocks.ReturnReminderAction, clock, Reminder: true, department),
        new(LeadClocks.Name(LeadClocks.Return, department), LeadClocks.ReturnWindowClosedAction, clock, Reminder: false, department),
    ];

    private static ClockStart[] FeedbackClocks(ClockBasis clock, string department) =>
    [
        new(LeadClocks.Name(LeadClocks.Feedback, department, reminder: true), LeadClocks.FeedbackReminderAction, clock, Reminder: true, department),
        new(LeadClocks.Name(LeadClocks.Feedback, department), LeadClocks.FeedbackOverdueAction, clock, Reminder: false, department),
    ];

    private static string[] ReturnDeadlines(string department) =>
        [LeadClocks.Name(LeadClocks.Return, department), LeadClocks.Name(LeadClocks.Return, department, reminder: true)];

    private static string[] FeedbackDeadlines(string department) =>
        [LeadClocks.Name(LeadClocks.Feedback, department), LeadClocks.Name(LeadClocks.Feedback, department, reminder: true)];
}
