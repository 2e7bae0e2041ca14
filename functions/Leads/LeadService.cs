using System.Text.Json;
using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Domain.Routing;
using Integration.Functions.Calendar;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Leads;

/// <summary>What a command on a lead came to: the record as it now is, or why nothing changed.</summary>
public sealed record LeadOutcome(Record<LeadState>? Record, LeadRejection? Rejection, bool Created = false)
{
    public static readonly LeadOutcome NotFound = new(null, null);
}

/// <summary>
/// Runs the lead commands: reads the record, lets the pure <see cref="LeadMachine"/> decide, and commits
/// the transition with its history entry, messages and deadlines in one write.
/// </summary>
public sealed class LeadService(
    RecordStore records,
    CalendarSource calendar,
    TimeProvider time,
    ResponsibilityList responsibilities,
    PrincipalRegistry registry,
    IOptions<LeadOptions> options,
    LeadIndex index,
    PageTokens pageTokens)
{
    public const string LeadsTopic = "leads";
    public const string FeedbackTopic = "lead-feedback";

    /// <summary>The application property every lead message is filtered on: the principal it is for.</summary>
    public const string DepartmentProperty = Infrastructure.Topics.TopicDefinition.RecipientProperty;

    public LeadRules Rules { get; } = new(
        options.Value.RelayWorkingDays,
        options.Value.ReturnWorkingDays,
        options.Value.FeedbackWorkingDays,
        responsibilities.Coordinator,
        registry.IsDepartment(options.Value.Police) ? options.Value.Police : null);

    public WorkingDayCalendar Calendar => calendar.Current;

    public DateTimeOffset Now => time.GetUtcNow();

    public bool MaySubmit(Principal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return options.Value.Submitters.Contains(caller.Id, StringComparer.Ordinal);
    }

    public static RecordKey Key(string leadId) => new(LeadMachine.Kind, leadId);

    /// <summary>
    /// Intake: stores the lead and relays it in the same write. The same lead sent again answers with
    /// what is stored and relays nothing; a different lead under the same id is a conflict.
    /// </summary>
    public Task<LeadOutcome> SubmitAsync(Principal caller, JsonElement body, IProjectSupervision supervision, CancellationToken cancellationToken) =>
        SubmitAsync(caller, body, supervision, origin: null, cancellationToken);

    /// <summary>
    /// Intake of a lead made from an enforcement finding: the same validation, routing and clocks as the trading
    /// centre's; who may make it is the plan's rule, checked by the caller. The feedback goes to the submitting
    /// department on the <c>leads</c> topic (departments have no <c>lead-feedback</c> subscription).
    /// </summary>
    public async Task<LeadOutcome> SubmitAsync(Principal caller, JsonElement body, IProjectSupervision supervision, LeadOrigin? origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(supervision);
        var now = Now;
        var errors = new FieldErrors();
        var submission = LeadInputs.Submission(body, errors, now, responsibilities.Industries.Keys.ToArray(), fromFinding: origin is not null);
        if (submission is null)
        {
            return new LeadOutcome(null, new LeadRejection(LeadRejectionKind.Invalid, "One or more fields are invalid.", errors.ToDictionary()));
        }

        var key = Key(submission.LeadId);
        if (await records.GetAsync<LeadState>(key, cancellationToken) is { } existing)
        {
            return Repeat(existing, submission, caller.Id);
        }

        var claiming = await supervision.ClaimingDepartmentsAsync(submission.ProjectCode, cancellationToken);
        var routing = LeadRouting.Decide(submission, claiming.Where(registry.IsDepartment).ToArray(), responsibilities, Rules.Police);
        var current = Calendar;
        var transition = LeadMachine.Submit(submission, caller.Id, routing, now, current, Rules, origin);
        try
        {
            var result = await records.CreateAsync(key, ToChange(transition, caller.Id, now, current), cancellationToken);
            return new LeadOutcome(result.Record, null, Created: true);
        }
        catch (RecordExistsException)
        {
            // Another request stored the same id a moment ago: answer as for any repeat.
            var stored = await records.GetAsync<LeadState>(key, cancellationToken) ?? throw new InvalidOperationException($"{key} vanished after a conflict.");
            return Repeat(stored, submission, caller.Id);
        }
    }

    /// <summary>
    /// Runs a command against the lead's current state; on a concurrent write it decides again on the
    /// fresh state, so two recipients acting at once never overwrite each other.
    /// </summary>
    public async Task<LeadOutcome> ActAsync(string leadId, string principal, Func<LeadState, DateTimeOffset, WorkingDayCalendar, LeadDecision> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        var key = Key(leadId);
        if (await records.GetAsync<LeadState>(key, cancellationToken) is null)
        {
            return LeadOutcome.NotFound;
        }

        LeadRejection? rejection = null;
        var result = await records.UpdateAsync<LeadState>(key, record =>
        {
            var now = Now;
            var current = Calendar;
            switch (decide(record.State, now, current))
            {
                case LeadTransition transition:
                    rejection = null;
                    return ToChange(transition, principal, now, current);
                case LeadRejection rejected:
                    rejection = rejected;
                    return null;
                default:
                    throw new InvalidOperationException("A lead command decided neither a transition nor a rejection.");
            }
        }, cancellationToken);
        return new LeadOutcome(result.Record, rejection);
    }

    /// <summary>A clock came due: records its reminder or warning and tells the parties, unless the step was taken meanwhile.</summary>
    /// <returns>True when the lead changed (the deadline fired); false when the step was taken meanwhile.</returns>
    public async Task<bool> OnDeadlineAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var result = await records.UpdateAsync<LeadState>(due.Key, record =>
        {
            if (!due.IsCurrentFor(record))
            {
                return null;
            }

            var now = Now;
            var current = Calendar;
            var department = record.Deadline(due.Deadline)?.Data;
            var transition = LeadMachine.OnDeadline(record.State, due.Action, due.Deadline, department, now, current, Rules);
            return transition is null ? null : ToChange(transition, "system:clock", now, current);
        }, cancellationToken);
        return result.Changed;
    }

    public Task<Record<LeadState>?> GetAsync(string leadId, CancellationToken cancellationToken) =>
        records.GetAsync<LeadState>(Key(leadId), cancellationToken);

    public Task<IReadOnlyList<Domain.Audit.AuditEntry>> HistoryAsync(string leadId, CancellationToken cancellationToken) =>
        records.HistoryAsync(Key(leadId), cancellationToken);

    /// <summary>
    /// One page of the leads <paramref name="query"/> selects, in lead-id order, read from the caller's
    /// partition of the index (all leads only for those who see everything). Null when
    /// <paramref name="pageToken"/> is not a token this listing issued.
    /// </summary>
    public async Task<(IReadOnlyList<LeadState> Items, string? NextPageToken)?> ListAsync(LeadQuery query, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var listing = string.Join('\n', "leads", query.Viewer, query.Department, query.Status, query.Overdue);
        string? after = null;
        if (pageToken is not null && (after = await pageTokens.ReadAsync(listing, pageToken, cancellationToken)) is null)
        {
            return null;
        }

        var partition = query.SeesEverything ? LeadIndex.AllPartition : LeadIndex.PrincipalPartition(query.Viewer);
        var now = Now;
        var current = Calendar;
        var items = new List<LeadState>(pageSize + 1);
        await foreach (var state in index.ReadAsync(partition, after, cancellationToken))
        {
            if (query.Matches(state, now, current, Rules.Coordinator))
            {
                items.Add(state);
                if (items.Count > pageSize)
                {
                    break;
                }
            }
        }

        if (items.Count <= pageSize)
        {
            return (items, null);
        }

        items.RemoveAt(pageSize);
        return (items, await pageTokens.IssueAsync(listing, items[^1].LeadId, cancellationToken));
    }

    public bool IsDepartment(string id) => registry.IsDepartment(id);

    /// <summary>Reads a lead's body as intake does, adding every field error to <paramref name="errors"/>.</summary>
    public LeadSubmission? Read(JsonElement body, FieldErrors errors, bool fromFinding = false) =>
        LeadInputs.Submission(body, errors, Now, responsibilities.Industries.Keys.ToArray(), fromFinding);

    /// <summary>Only the submitter's own repeat is answered with the lead: anyone else learns no more than that the id is taken.</summary>
    private static LeadOutcome Repeat(Record<LeadState> existing, LeadSubmission submission, string submitter) =>
        existing.State.Fingerprint == submission.Fingerprint() && existing.State.SubmittedBy == submitter
            ? new LeadOutcome(existing, null)
            : new LeadOutcome(existing, new LeadRejection(
                LeadRejectionKind.Conflict,
                $"Lead {submission.LeadId} was already submitted with different content; a lead id names one lead. Send corrections as a new lead.",
                State: LeadNames.Of(existing.State.Status)));

    private static Change<LeadState> ToChange(LeadTransition transition, string principal, DateTimeOffset now, WorkingDayCalendar current)
    {
        var leadId = transition.State.LeadId;
        return new Change<LeadState>
        {
            State = transition.State,
            Action = transition.Action,
            Principal = principal,
            Details = transition.Details,
            Messages = transition.Notices.Select(n => new OutboundMessage(
                n.Audience == LeadAudience.Department || transition.State.Origin is not null ? LeadsTopic : FeedbackTopic,
                n.Subject,
                n.Body,
                new Dictionary<string, string> { [DepartmentProperty] = n.Recipient, ["leadId"] = leadId })).ToList(),
            Schedule = [.. WorkingDayDeadlines.Schedules(transition.Start, current, now)],
            Cancel = transition.Stop.ToList(),
            Fired = transition.Fired.ToList(),
        };
    }
}
