using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Routing;
using Integration.Functions.Calendar;
using Integration.Functions.Enforcement.Rosters;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Enforcement;

/// <summary>What a command on a plan came to: the record as it now is, or why nothing changed.</summary>
public sealed record PlanOutcome(Record<PlanState>? Record, PlanRejection? Rejection, bool Created = false)
{
    public static readonly PlanOutcome NotFound = new(null, null);
}

/// <summary>
/// Runs the plan commands: reads the record, lets the pure <see cref="PlanMachine"/> decide, and commits the transition
/// with its history entry, messages and deadlines in one write. After a commit that moves the plan on, it tells the
/// plan's orchestration (<see cref="PlanProgress"/>), which follows the stages. The frozen roster is kept apart from
/// the plan's record (<see cref="FrozenRosters"/>): it is loaded into the state before the machine decides and taken
/// out again before the commit, so the record stays small however many targets the plan covers.
/// </summary>
public sealed class PlanService(
    RecordStore records,
    CalendarSource calendar,
    TimeProvider time,
    ResponsibilityList responsibilities,
    PrincipalRegistry registry,
    IOptions<PlanOptions> options,
    PlanIndex index,
    PageTokens pageTokens,
    PlanProgress progress,
    FrozenRosters frozenRosters)
{
    public const string Topic = "enforcement";

    /// <summary>The application property every plan message is filtered on: the department it is for.</summary>
    public const string DepartmentProperty = "department";

    public PlanRules Rules { get; } = new(
        options.Value.ConsultationWorkingDays,
        options.Value.AssistanceWorkingDays,
        options.Value.CommitWorkingDays,
        options.Value.RevealWorkingDays,
        responsibilities.Coordinator);

    public PlanCatalogue Catalogue { get; } = new(registry.IsDepartment, responsibilities.Industries.Keys.ToArray(), options.Value.PublishWithinWorkingDays);

    public WorkingDayCalendar Calendar => calendar.Current;

    public DateTimeOffset Now => time.GetUtcNow();

    public static RecordKey Key(string planId) => new(PlanMachine.Kind, planId);

    public bool IsDepartment(string id) => registry.IsDepartment(id);

    /// <summary>
    /// A new plan, sent for consultation, and its orchestration started. The same plan sent again by its initiator
    /// answers with what is stored; a different plan under the same id is a conflict.
    /// </summary>
    public async Task<PlanOutcome> CreateAsync(Principal caller, JsonElement body, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = Now;
        var errors = new FieldErrors();
        if (PlanInputs.Plan(body, errors, ChinaTime.DateOf(now), Catalogue) is not { } input)
        {
            return new PlanOutcome(null, new PlanRejection(PlanRejectionKind.Invalid, "One or more fields are invalid.", errors.ToDictionary()));
        }

        var key = Key(input.PlanId);
        if (await records.GetAsync<PlanState>(key, cancellationToken) is { } existing)
        {
            return await RepeatAsync(existing, input, caller.Id, client, cancellationToken);
        }

        var current = Calendar;
        var transition = PlanMachine.Create(input, caller.Id, now, current, Rules);
        try
        {
            var result = await records.CreateAsync(key, ToChange(transition, caller.Id, now, current), cancellationToken);
            await progress.StartAsync(client, input.PlanId, cancellationToken);
            return new PlanOutcome(result.Record, null, Created: true);
        }
        catch (RecordExistsException)
        {
            var stored = await records.GetAsync<PlanState>(key, cancellationToken) ?? throw new InvalidOperationException($"{key} vanished after a conflict.");
            return await RepeatAsync(stored, input, caller.Id, client, cancellationToken);
        }
    }

    /// <summary>
    /// Runs a command against the plan's current state; on a concurrent write it decides again on the fresh state, so
    /// two participants acting at once never overwrite each other.
    /// </summary>
    public async Task<PlanOutcome> ActAsync(string planId, string principal, DurableTaskClient? client, Func<PlanState, DateTimeOffset, WorkingDayCalendar, PlanDecision> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        var key = Key(planId);
        if (await records.GetAsync<PlanState>(key, cancellationToken) is not { } before)
        {
            return PlanOutcome.NotFound;
        }

        // The machine decides synchronously on each fresh read, so the roster is loaded beforehand; a restart committed
        // meanwhile may name another roster, which is then loaded and the command decided again.
        var roster = before.State.Draw?.RosterKey;
        for (var attempt = 0; ; attempt++)
        {
            if (roster is not null)
            {
                await frozenRosters.LoadAsync(roster, cancellationToken);
            }

            try
            {
                return await ActOnceAsync(key, before, principal, client, decide, cancellationToken);
            }
            catch (RosterNotLoadedException e) when (attempt < 3)
            {
                roster = e.RosterKey;
            }
        }
    }

    private async Task<PlanOutcome> ActOnceAsync(
        RecordKey key, Record<PlanState> before, string principal, DurableTaskClient? client, Func<PlanState, DateTimeOffset, WorkingDayCalendar, PlanDecision> decide, CancellationToken cancellationToken)
    {
        PlanRejection? rejection = null;
        var result = await records.UpdateAsync<PlanState>(key, record =>
        {
            var now = Now;
            var current = Calendar;
            switch (decide(WithCachedRoster(record.State), now, current))
            {
                case PlanTransition transition:
                    rejection = null;
                    return ToChange(transition, principal, now, current);
                case PlanRejection rejected:
                    rejection = rejected;
                    return null;
                default:
                    throw new InvalidOperationException("A plan command decided neither a transition nor a rejection.");
            }
        }, cancellationToken);
        if (result.Changed && (result.Record.State.Stage != before.State.Stage || NextDue(result.Record) != NextDue(before)))
        {
            await progress.StageChangedAsync(client, before.State.PlanId, result.Record.Version, cancellationToken);
        }

        return new PlanOutcome(result.Record, rejection);
    }

    /// <summary>The coordinator approves: the roster is frozen from the libraries (read before the commit), then the approval is committed with it.</summary>
    public async Task<PlanOutcome> ApproveAsync(string planId, Principal caller, IPlanRoster roster, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(roster);
        var coordinator = caller.Has(PrincipalRole.Coordinator);
        return await FrozenAsync(planId, caller, roster, client, s => PlanMachine.CheckApprove(s, coordinator, Rules),
            (s, frozen, now, current) => PlanMachine.Approve(s, caller.Id, coordinator, frozen, now, current, Rules), cancellationToken);
    }

    /// <summary>The coordinator restarts the draw: the roster is frozen again and every participant commits anew.</summary>
    public async Task<PlanOutcome> RestartAsync(string planId, Principal caller, IPlanRoster roster, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(roster);
        var coordinator = caller.Has(PrincipalRole.Coordinator);
        return await FrozenAsync(planId, caller, roster, client, s => PlanMachine.CheckRestart(s, coordinator, Rules),
            (s, frozen, now, current) => PlanMachine.Restart(s, coordinator, frozen, now, current, Rules), cancellationToken);
    }

    /// <summary>A clock came due: records its reminder or warning and tells the parties, unless the step was taken meanwhile.</summary>
    /// <returns>True when the plan changed (the deadline fired); false when it no longer waited for this deadline.</returns>
    public async Task<bool> OnDeadlineAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var result = await records.UpdateAsync<PlanState>(due.Key, record =>
        {
            // The generation check makes the effect happen once, whether the sweep or the plan's orchestration came first.
            if (!due.IsCurrentFor(record))
            {
                return null;
            }

            var now = Now;
            var current = Calendar;
            var data = record.Deadline(due.Deadline)?.Data;
            var transition = PlanMachine.OnDeadline(record.State, due.Action, due.Deadline, data, now, current, Rules);
            return transition is null ? null : ToChange(transition, "system:clock", now, current);
        }, cancellationToken);
        return result.Changed;
    }

    /// <summary>Fires every deadline of the plan that is due now (the orchestration's timer path); returns how many fired.</summary>
    public async Task<int> FireDueAsync(string planId, CancellationToken cancellationToken)
    {
        if (await records.GetAsync<PlanState>(Key(planId), cancellationToken) is not { } record)
        {
            return 0;
        }

        var now = Now;
        var fired = 0;
        foreach (var deadline in record.Deadlines.Where(d => d.Status == DeadlineStatus.Active && d.DueAt <= now).OrderBy(d => d.DueAt))
        {
            var due = new DeadlineDue(record.Key.PartitionKey, deadline.Name, deadline.Generation, deadline.Action, deadline.DueAt);
            if (await OnDeadlineAsync(due, cancellationToken))
            {
                fired++;
            }
        }

        return fired;
    }

    /// <summary>The plan as stored: its draw shows the roster's size, not the roster (see <see cref="WithRosterAsync"/>).</summary>
    public Task<Record<PlanState>?> GetAsync(string planId, CancellationToken cancellationToken) =>
        records.GetAsync<PlanState>(Key(planId), cancellationToken);

    /// <summary>The plan with its frozen roster in the draw, as the draw, its verification and the public record show it.</summary>
    public async Task<Record<PlanState>> WithRosterAsync(Record<PlanState> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.State.Draw is not { RosterKey: { } rosterKey, Roster: null })
        {
            return record;
        }

        var roster = await frozenRosters.LoadAsync(rosterKey, cancellationToken);
        return record with { State = WithRoster(record.State, roster) };
    }

    public Task<IReadOnlyList<Domain.Audit.AuditEntry>> HistoryAsync(string planId, CancellationToken cancellationToken) =>
        records.HistoryAsync(Key(planId), cancellationToken);

    /// <summary>
    /// One page of the plans a caller takes part in (those who see everything: all), in plan-id order, optionally of one
    /// stage. Null when <paramref name="pageToken"/> is not a token this listing issued.
    /// </summary>
    public async Task<(IReadOnlyList<PlanState> Items, string? NextPageToken)?> ListAsync(
        string viewer, bool seesEverything, string? stage, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        var listing = string.Join('\n', "plans", viewer, seesEverything, stage);
        string? after = null;
        if (pageToken is not null && (after = await pageTokens.ReadAsync(listing, pageToken, cancellationToken)) is null)
        {
            return null;
        }

        var partition = seesEverything ? PlanIndex.AllPartition : PlanIndex.PrincipalPartition(viewer);
        var items = new List<PlanState>(pageSize + 1);
        await foreach (var state in index.ReadAsync(partition, after, cancellationToken))
        {
            if (stage is null || PlanNames.Of(state.Stage) == stage)
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
        return (items, await pageTokens.IssueAsync(listing, items[^1].PlanId, cancellationToken));
    }

    private async Task<PlanOutcome> FrozenAsync(
        string planId,
        Principal caller,
        IPlanRoster roster,
        DurableTaskClient? client,
        Func<PlanState, PlanRejection?> check,
        Func<PlanState, Domain.Enforcement.Draw.DrawRoster, DateTimeOffset, WorkingDayCalendar, PlanDecision> decide,
        CancellationToken cancellationToken)
    {
        if (await GetAsync(planId, cancellationToken) is not { } current)
        {
            return PlanOutcome.NotFound;
        }

        // Refused callers and wrong stages are answered before the libraries are read.
        if (check(current.State) is { } rejected)
        {
            return new PlanOutcome(current, rejected);
        }

        var input = current.State.Input;
        var (frozen, problem) = await roster.FreezeAsync(input.Scope.Regions, input.Scope.Industries, input.Participants, cancellationToken);
        if (frozen is null)
        {
            return new PlanOutcome(current, new PlanRejection(PlanRejectionKind.Conflict, $"{problem} Correct the officer or target library and try again.", Stage: PlanNames.Of(current.State.Stage)));
        }

        // Stored before the transition that names it commits: a crash in between leaves rows nothing names, and the
        // retry finds them (or writes the same rows again).
        var rosterKey = frozen.Problem() is null ? await frozenRosters.SaveAsync(frozen, cancellationToken) : null;
        return await ActAsync(planId, caller.Id, client, (s, now, calendar) => decide(s, frozen, now, calendar) switch
        {
            PlanTransition { State.Draw: { } draw } transition when rosterKey is not null && ReferenceEquals(draw.Roster, frozen) =>
                transition with { State = transition.State with { Draw = draw with { RosterKey = rosterKey } } },
            var decision => decision,
        }, cancellationToken);
    }

    /// <summary>The state with its draw's roster from this process's cache; throws <see cref="RosterNotLoadedException"/> when it is not at hand.</summary>
    private PlanState WithCachedRoster(PlanState state)
    {
        if (state.Draw is not { RosterKey: { } rosterKey, Roster: null })
        {
            return state;
        }

        return frozenRosters.Cached(rosterKey) is { } roster ? WithRoster(state, roster) : throw new RosterNotLoadedException(rosterKey);
    }

    private static PlanState WithRoster(PlanState state, DrawRoster roster)
    {
        var draw = state.Draw!;
        return state with { Draw = draw with { Roster = roster, Record = draw.Record is { } record ? record with { Roster = roster } : null } };
    }

    /// <summary>
    /// The state as stored: a draw whose roster is kept apart carries neither the roster nor, in its record, a copy of
    /// it (the record's roster is left empty, and filled again when the roster is loaded). A draw without a key, frozen
    /// before rosters were kept apart, keeps its roster inline.
    /// </summary>
    private static PlanState WithoutRoster(PlanState state)
    {
        if (state.Draw is not { RosterKey: not null } draw)
        {
            return state;
        }

        return state with
        {
            Draw = draw with
            {
                Roster = null,
                TargetCount = draw.Targets,
                OfficerCount = draw.Officers,
                Record = draw.Record is { } record ? record with { Roster = NotLoaded } : null,
            },
        };
    }

    private static readonly DrawRoster NotLoaded = new([], []);

    private sealed class RosterNotLoadedException(string rosterKey) : Exception($"The frozen roster {rosterKey} is not loaded.")
    {
        public string RosterKey { get; } = rosterKey;
    }

    /// <summary>Only the initiator's own repeat is answered with the plan: anyone else learns no more than that the id is taken.</summary>
    private async Task<PlanOutcome> RepeatAsync(Record<PlanState> existing, PlanInput input, string caller, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        if (existing.State.Fingerprint == input.Fingerprint() && existing.State.Initiator == caller)
        {
            // A repeat after a crash between the commit and the start finds the orchestration missing: start it now.
            await progress.StartAsync(client, input.PlanId, cancellationToken);
            return new PlanOutcome(existing, null);
        }

        return new PlanOutcome(existing, new PlanRejection(
            PlanRejectionKind.Conflict,
            $"Plan {input.PlanId} already exists with different content; a plan id names one plan. Amend it with PUT, or use another id.",
            Stage: PlanNames.Of(existing.State.Stage)));
    }

    /// <summary>The next instant the plan's orchestration must wake at: its earliest active deadline.</summary>
    public static DateTimeOffset? NextDue(Record<PlanState> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Deadlines.Where(d => d.Status == DeadlineStatus.Active).Select(d => (DateTimeOffset?)d.DueAt).Min();
    }

    private static Change<PlanState> ToChange(PlanTransition transition, string principal, DateTimeOffset now, WorkingDayCalendar current)
    {
        var planId = transition.State.PlanId;
        return new Change<PlanState>
        {
            State = WithoutRoster(transition.State),
            Action = transition.Action,
            Principal = principal,
            Details = transition.Details,
            Messages = transition.Notices.Select(n => new OutboundMessage(
                Topic,
                n.Subject,
                n.Body,
                new Dictionary<string, string> { [DepartmentProperty] = n.Recipient, ["planId"] = planId })).ToList(),
            Schedule = transition.Start
                .Select(c => Schedule(c, current))
                // A reminder whose moment has passed would only arrive after the fact.
                .Where(s => !(s.Name.Contains("-reminder", StringComparison.Ordinal) && s.DueAt <= now))
                .ToList(),
            Cancel = transition.Stop.ToList(),
            Fired = transition.Fired.ToList(),
        };
    }

    private static DeadlineSchedule Schedule(PlanClockStart clock, WorkingDayCalendar current)
    {
        var (at, provisional) = clock.On(current);
        // Working-day clocks keep their basis, so a provisional one is recounted when a new calendar is loaded.
        var basis = clock.Basis is { } b ? new WorkingDayBasis(b.From, b.WorkingDays, clock.Reminder ? DeadlineAnchor.StartOfLastDay : DeadlineAnchor.Due) : null;
        return new DeadlineSchedule(clock.Name, clock.Action, at, provisional, basis, clock.Data);
    }
}
