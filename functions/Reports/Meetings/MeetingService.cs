using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Reports.Meetings;
using Integration.Domain.Routing;
using Integration.Functions.Calendar;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Reports.Meetings;

/// <summary>What a command on a meeting came to: the record as it now is (Changed false for a repeat), or why nothing changed.</summary>
public sealed record MeetingOutcome(Record<MeetingState>? Record, MeetingRejection? Rejection, bool Changed)
{
    public static readonly MeetingOutcome NotFound = new(null, null, false);
}

/// <summary>
/// Runs the meeting commands: reads the meeting's record, lets the pure <see cref="MeetingMachine"/> decide, and commits the
/// transition with its history entry, its messages on <c>coordination-reports</c> and its action items' deadlines in one write.
/// </summary>
public sealed class MeetingService(
    RecordStore records,
    CalendarSource calendar,
    TimeProvider time,
    ResponsibilityList responsibilities,
    PrincipalRegistry registry,
    MeetingActionIndex index,
    PageTokens pageTokens)
{
    public MeetingRules Rules { get; } = new(
        responsibilities.Coordinator,
        registry.All.Where(p => p.Has(PrincipalRole.Department)).Select(p => p.Id).Order(StringComparer.Ordinal).ToArray());

    public WorkingDayCalendar Calendar => calendar.Current;

    public DateTimeOffset Now => time.GetUtcNow();

    public static RecordKey Key(string meetingId) => new(MeetingMachine.Kind, meetingId);

    public Task<Record<MeetingState>?> GetAsync(string meetingId, CancellationToken cancellationToken) =>
        records.GetAsync<MeetingState>(Key(meetingId), cancellationToken);

    public Task<IReadOnlyList<Domain.Audit.AuditEntry>> HistoryAsync(string meetingId, CancellationToken cancellationToken) =>
        records.HistoryAsync(Key(meetingId), cancellationToken);

    public async Task<bool> ReportExistsAsync(string period, CancellationToken cancellationToken) =>
        await records.GetAsync<CoordinationReportState>(CoordinationReports.Key(period), cancellationToken) is { State.Latest: not null };

    /// <summary>The agenda items the departments sent with their acknowledgements of the period's report, each once, in order.</summary>
    public async Task<IReadOnlyList<AgendaItem>> AcknowledgedAgendaAsync(string period, CancellationToken cancellationToken)
    {
        var report = await records.GetAsync<CoordinationReportState>(CoordinationReports.Key(period), cancellationToken);
        return report is null
            ? []
            : report.State.Acknowledgements
                .SelectMany(a => a.Agenda.Select(title => new AgendaItem(title, null, a.Department, a.At)))
                .DistinctBy(i => (i.SubmittedBy, i.Title))
                .ToArray();
    }

    /// <summary>
    /// Runs a command on the meeting's current state; a period's meeting that does not exist yet starts from
    /// <paramref name="seed"/>. On a concurrent write it decides again on the fresh state.
    /// </summary>
    public async Task<MeetingOutcome> ActAsync(
        string meetingId, string principal, Func<MeetingState, DateTimeOffset, WorkingDayCalendar, MeetingDecision> decide, MeetingState? seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        var key = Key(meetingId);
        if (await records.GetAsync<MeetingState>(key, cancellationToken) is null)
        {
            if (seed is null)
            {
                return MeetingOutcome.NotFound;
            }

            var now = Now;
            var current = Calendar;
            switch (decide(seed, now, current))
            {
                case MeetingTransition transition:
                    try
                    {
                        var created = await records.CreateAsync(key, ToChange(transition, principal, now, current), cancellationToken);
                        return new MeetingOutcome(created.Record, null, true);
                    }
                    catch (RecordExistsException)
                    {
                        // Another request started the meeting a moment ago: decide again on what it stored.
                        break;
                    }

                case MeetingRejection rejection:
                    return new MeetingOutcome(null, rejection, false);
                default:
                    return new MeetingOutcome(null, null, false);
            }
        }

        MeetingRejection? rejected = null;
        var result = await records.UpdateAsync<MeetingState>(key, record =>
        {
            var now = Now;
            var current = Calendar;
            rejected = null;
            switch (decide(record.State, now, current))
            {
                case MeetingTransition transition:
                    return ToChange(transition, principal, now, current);
                case MeetingRejection rejection:
                    rejected = rejection;
                    return null;
                default:
                    return null;
            }
        }, cancellationToken);
        return new MeetingOutcome(result.Record, rejected, result.Changed);
    }

    /// <summary>
    /// A department asks for an extra meeting. Without an idempotency key each request is a new record under a fresh id
    /// <c>EM-{yyyyMMdd}-{hex}</c>. With one, the id is derived from the requester and the key (<c>EM-K{hex}</c>), so a retry
    /// finds the meeting the first attempt made: the same request answers with it unchanged, a different one is a conflict.
    /// </summary>
    public async Task<MeetingOutcome> RequestAsync(string principal, JsonElement body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = Now;
        var meetingId = idempotencyKey is null
            ? string.Create(CultureInfo.InvariantCulture, $"EM-{ChinaTime.DateOf(now):yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}")
            : KeyedMeetingId(principal, idempotencyKey);
        switch (MeetingMachine.Request(meetingId, principal, body, now, Rules))
        {
            case MeetingTransition transition:
                if (idempotencyKey is not null && await GetAsync(meetingId, cancellationToken) is { } existing)
                {
                    return Repeat(existing, transition.State);
                }

                try
                {
                    var created = await records.CreateAsync(Key(meetingId), ToChange(transition, principal, now, Calendar), cancellationToken);
                    return new MeetingOutcome(created.Record, null, true);
                }
                catch (RecordExistsException) when (idempotencyKey is not null)
                {
                    // The same request, retried while the first attempt was being stored: answer as for any repeat.
                    var stored = await GetAsync(meetingId, cancellationToken) ?? throw new InvalidOperationException($"Meeting {meetingId} vanished after a conflict.");
                    return Repeat(stored, transition.State);
                }

            case MeetingRejection rejection:
                return new MeetingOutcome(null, rejection, false);
            default:
                throw new InvalidOperationException("A meeting request decided neither a transition nor a rejection.");
        }
    }

    /// <summary>The id of the meeting a requester's idempotency key stands for: the key is the requester's own, so it is hashed with their id.</summary>
    public static string KeyedMeetingId(string principal, string idempotencyKey) =>
        "EM-K" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(principal + "\n" + idempotencyKey)))[..24];

    private static MeetingOutcome Repeat(Record<MeetingState> existing, MeetingState requested) =>
        existing.State.RequestFingerprint == requested.RequestFingerprint && existing.State.RequestedBy == requested.RequestedBy
            ? new MeetingOutcome(existing, null, false)
            : new MeetingOutcome(existing, new MeetingRejection(
                MeetingRejectionKind.Conflict,
                $"Meeting {existing.State.MeetingId} was already requested under this idempotency key with a different reason or agenda; use a new key for a new request.",
                State: MeetingNames.Of(existing.State.Status)), false);

    /// <summary>An action item's clock came due: records the reminder or warning and tells the parties, unless it was closed meanwhile.</summary>
    public async Task<bool> OnDeadlineAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var result = await records.UpdateAsync<MeetingState>(due.Key, record =>
        {
            if (!due.IsCurrentFor(record))
            {
                return null;
            }

            var now = Now;
            var current = Calendar;
            var transition = MeetingMachine.OnDeadline(record.State, due.Action, due.Deadline, record.Deadline(due.Deadline)?.Data, now, current, Rules);
            return transition is null ? null : ToChange(transition, "system:clock", now, current);
        }, cancellationToken);
        return result.Changed;
    }

    /// <summary>
    /// One page of action items in id order: the caller's own, or everyone's (optionally one owner's) for those who see
    /// everything; <paramref name="status"/> open, closed or overdue on the current calendar. Null for a token this listing did not issue.
    /// </summary>
    public async Task<(IReadOnlyList<ActionItem> Items, string? NextPageToken)?> ListActionsAsync(
        string viewer, bool seesEverything, string? owner, string? status, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        var listing = string.Join('\n', "meeting-actions", viewer, owner, status);
        string? after = null;
        if (pageToken is not null && (after = await pageTokens.ReadAsync(listing, pageToken, cancellationToken)) is null)
        {
            return null;
        }

        var partition = seesEverything ? (owner is null ? MeetingActionIndex.AllPartition : MeetingActionIndex.OwnerPartition(owner)) : MeetingActionIndex.OwnerPartition(viewer);
        var now = Now;
        var current = Calendar;
        var items = new List<ActionItem>(pageSize + 1);
        await foreach (var item in index.ReadAsync(partition, after, cancellationToken))
        {
            var matches = status switch
            {
                "open" => item.Status == ActionItemStatus.Open,
                "closed" => item.Status == ActionItemStatus.Closed,
                "overdue" => item.IsOverdue(current, now),
                _ => true,
            };
            if (matches)
            {
                items.Add(item);
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
        return (items, await pageTokens.IssueAsync(listing, items[^1].Id, cancellationToken));
    }

    private static Change<MeetingState> ToChange(MeetingTransition transition, string principal, DateTimeOffset now, WorkingDayCalendar current) => new()
    {
        State = transition.State,
        Action = transition.Action,
        Principal = principal,
        Details = transition.Details,
        Messages = transition.Notices.Select(n => new OutboundMessage(
            CoordinationReports.Topic,
            n.Subject,
            n.Body,
            new Dictionary<string, string> { [CoordinationReports.DepartmentProperty] = n.Recipient, ["meetingId"] = transition.State.MeetingId })).ToList(),
        Schedule = [.. WorkingDayDeadlines.Schedules(transition.Start, current, now)],
        Cancel = transition.Stop.ToList(),
        Fired = transition.Fired.ToList(),
    };
}
