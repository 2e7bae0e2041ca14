using System.Text.Json;
using System.Text.Json.Serialization;
using Integration.Domain.Audit;
using Integration.Domain.Messaging;

namespace Integration.Functions.Platform.Records;

/// <summary>A durable record: a kind (approval, lead, plan…) and its id. All its rows share one partition.</summary>
public sealed record RecordKey(string Kind, string Id)
{
    public string PartitionKey => $"{Kind}|{Id}";

    public override string ToString() => PartitionKey;
}

/// <summary>The current state of a record with what is needed to change it safely.</summary>
public sealed record Record<T>(RecordKey Key, T State, long Version, string ETag, AuditEntry LastEntry, IReadOnlyList<Deadline> Deadlines)
{
    public Deadline? Deadline(string name) => Deadlines.FirstOrDefault(d => d.Name == name);
}

public enum DeadlineStatus
{
    Active,
    Fired,
    Cancelled,
}

/// <summary>How to recompute a working-day deadline when new calendar data arrives.</summary>
public enum DeadlineAnchor
{
    /// <summary>The end of the N-th working day (the due instant).</summary>
    Due,

    /// <summary>The start of the N-th working day (a reminder on the last day).</summary>
    StartOfLastDay,
}

/// <summary>"N working days after From", kept with a deadline so it can be recounted on a new calendar.</summary>
public sealed record WorkingDayBasis(DateOnly From, int WorkingDays, DeadlineAnchor Anchor);

/// <summary>"At <see cref="DueAt"/>, do <see cref="Action"/>" for a record, durable until fired or cancelled.</summary>
public sealed record Deadline(
    string Name,
    string Action,
    DateTimeOffset DueAt,
    DeadlineStatus Status,
    long Generation,
    bool Provisional,
    WorkingDayBasis? Basis,
    string? Data);

/// <summary>A deadline to set (or reset) as part of a change.</summary>
public sealed record DeadlineSchedule(string Name, string Action, DateTimeOffset DueAt, bool Provisional = false, WorkingDayBasis? Basis = null, string? Data = null);

/// <summary>
/// A message a change publishes once it is committed. Its MessageId is <c>{record}:{seq}:{n}</c> unless the change names
/// one (<paramref name="MessageId"/>, unique within the record), as the coordination reports do with
/// <c>report:{period}:v{version}:{department}</c>.
/// </summary>
public sealed record OutboundMessage(string Topic, string Subject, object Body, IReadOnlyDictionary<string, string>? Properties = null, DateTimeOffset? ScheduledFor = null, string? MessageId = null);

/// <summary>
/// One transition of a record: its new state, the history entry that records it, the messages it
/// publishes and the deadlines it sets, fires or cancels. Committed atomically or not at all.
/// </summary>
public sealed class Change<T>
{
    public required T State { get; init; }

    /// <summary>What happened, e.g. <c>approval.claimed</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Who did it: a principal id, or <c>system:…</c> for the platform itself.</summary>
    public required string Principal { get; init; }

    /// <summary>Details for the history entry (serialised to JSON).</summary>
    public object? Details { get; init; }

    public IList<OutboundMessage> Messages { get; init; } = [];

    public IList<DeadlineSchedule> Schedule { get; init; } = [];

    public IList<string> Cancel { get; init; } = [];

    /// <summary>Deadlines this change handles, so they never fire again.</summary>
    public IList<string> Fired { get; init; } = [];
}

public sealed record CommitResult<T>(Record<T> Record, bool Changed, AuditEntry? Entry);

public sealed class RecordExistsException(RecordKey key) : Exception($"{key} already exists.")
{
    public RecordKey Key { get; } = key;
}

public sealed class RecordNotFoundException(RecordKey key) : Exception($"{key} does not exist.")
{
    public RecordKey Key { get; } = key;
}

public static class RecordJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }
}
