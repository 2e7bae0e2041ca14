using System.Text.Json;
using System.Text.Json.Serialization;
using Integration.Domain.Calendar;
using Integration.Domain.Kernel;

namespace Integration.Functions.Platform.Records;

/// <summary>A deadline that has come due, as the <see cref="DeadlineSweep"/> hands it to its handler.</summary>
public sealed record DeadlineDue(
    [property: JsonPropertyName("record")] string Record,
    [property: JsonPropertyName("deadline")] string Deadline,
    [property: JsonPropertyName("generation")] long Generation,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("dueAt")] DateTimeOffset DueAt)
{
    public RecordKey Key => new(Record[..Record.IndexOf('|', StringComparison.Ordinal)], Record[(Record.IndexOf('|', StringComparison.Ordinal) + 1)..]);

    /// <summary>True when <paramref name="record"/> still waits for exactly this deadline (not fired, cancelled or reset since).</summary>
    public bool IsCurrentFor<T>(Record<T> record) =>
        record?.Deadline(Deadline) is { Status: DeadlineStatus.Active } d && d.Generation == Generation;
}

/// <summary>
/// Does what a deadline's action says when it comes due. Handlers must be idempotent and act only
/// while <see cref="DeadlineDue.IsCurrentFor{T}"/> holds: a wake-up can arrive twice (a retry after
/// a crash, two sweeps at once).
/// </summary>
public interface IDeadlineHandler
{
    /// <summary>The action names this handler serves, e.g. <c>approval.claim-overdue</c>.</summary>
    IReadOnlyCollection<string> Actions { get; }

    Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken);
}

/// <summary>Routes each deadline wake-up to the handler of its action.</summary>
public sealed class DeadlineRouter(IEnumerable<IDeadlineHandler> handlers)
{
    private readonly Dictionary<string, IDeadlineHandler> byAction = handlers
        .SelectMany(h => h.Actions.Select(a => (a, h)))
        .ToDictionary(p => p.a, p => p.h, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Actions => byAction.Keys;

    public Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        if (!byAction.TryGetValue(due.Action, out var handler))
        {
            // Thrown so the sweep retries and finally sets the deadline aside, visible to an operator.
            throw new InvalidOperationException($"No handler for deadline action '{due.Action}' ({due.Record}/{due.Deadline}).");
        }

        return handler.HandleAsync(due, cancellationToken);
    }
}

/// <summary>Counts working-day deadlines on the one calendar and recounts provisional ones when it changes.</summary>
public sealed class WorkingDayDeadlines(RecordStore records, Calendar.CalendarSource calendar, ILogger<WorkingDayDeadlines> logger)
{
    /// <summary>
    /// The deadline rows a transition's clocks become, counted on <paramref name="calendar"/>. A reminder
    /// whose moment has already passed would only arrive after the fact, so it is not set.
    /// </summary>
    public static IReadOnlyList<DeadlineSchedule> Schedules(IEnumerable<ClockStart> clocks, WorkingDayCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(clocks);
        return clocks
            .Select(c => (Clock: c, Basis: new WorkingDayBasis(c.Basis.From, c.Basis.WorkingDays, c.Reminder ? DeadlineAnchor.StartOfLastDay : DeadlineAnchor.Due)))
            .Select(c => (c.Clock, c.Basis, Count: Count(calendar, c.Basis)))
            .Where(c => !(c.Clock.Reminder && c.Count.DueAt <= now))
            .Select(c => new DeadlineSchedule(c.Clock.Name, c.Clock.Action, c.Count.DueAt, c.Count.Provisional, c.Basis, c.Clock.Data))
            .ToArray();
    }

    public static (DateTimeOffset DueAt, bool Provisional) Count(WorkingDayCalendar calendar, WorkingDayBasis basis)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(basis);
        var deadline = calendar.AddWorkingDays(basis.From, basis.WorkingDays);
        var dueAt = basis.Anchor == DeadlineAnchor.Due ? deadline.DueAt : ChinaTime.StartOf(deadline.Deadline);
        return (dueAt, deadline.Provisional);
    }

    /// <summary>Recounts every active provisional deadline on the current calendar; returns how many moved or became final.</summary>
    public async Task<int> RecountProvisionalAsync(CancellationToken cancellationToken = default)
    {
        var current = calendar.Current;
        var changed = 0;
        await foreach (var (key, deadline) in records.ProvisionalDeadlinesAsync(cancellationToken))
        {
            if (deadline.Basis is not { } basis)
            {
                continue;
            }

            var (dueAt, provisional) = Count(current, basis);
            if (dueAt == deadline.DueAt && provisional)
            {
                continue;
            }

            var result = await records.UpdateAsync<JsonElement>(key, r => r.Deadline(deadline.Name) is { Status: DeadlineStatus.Active } d && d.Generation == deadline.Generation
                ? new Change<JsonElement>
                {
                    State = r.State,
                    Action = "deadline.recounted",
                    Principal = "system:calendar",
                    Details = new { deadline = d.Name, previousDueAt = d.DueAt, dueAt, provisional },
                    Schedule = [new DeadlineSchedule(d.Name, d.Action, dueAt, provisional, basis, d.Data)],
                }
                : null, cancellationToken);
            if (result.Changed)
            {
                changed++;
                logger.LogInformation("Deadline {Record}/{Deadline} recounted: {Old:o} → {New:o} (provisional: {Provisional})", key, deadline.Name, deadline.DueAt, dueAt, provisional);
            }
        }

        return changed;
    }
}
