using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Durable;

/// <summary>The state of the test record kind: a counter and a note.</summary>
public sealed record Counter(int Value, string Note);

/// <summary>A topic the record tests publish to, with one match-all subscription to read it back.</summary>
public static class TestTopics
{
    public const string Events = "test-events";
    public const string All = "all";

    public static PlatformFactory WithTestTopic(this PlatformFactory factory) => factory.WithServices(services =>
    {
        var topology = (TopicTopology)services.Last(d => d.ServiceType == typeof(TopicTopology)).ImplementationInstance!;
        services.AddSingleton(topology with
        {
            Topics = [.. topology.Topics, new TopicDefinition { Name = Events, Subscriptions = [new SubscriptionDefinition { Name = All }] }],
        });
    });

    /// <summary>Receives and completes everything on the test subscription, waiting up to <paramref name="wait"/> for at least <paramref name="atLeast"/>.</summary>
    public static async Task<List<TopicMessage>> DrainAsync(this IServiceProvider services, int atLeast, TimeSpan wait, string topic = Events, string subscription = All)
    {
        var receiver = services.GetRequiredService<SqliteTopicReceiver>();
        var messages = new List<TopicMessage>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            foreach (var received in await receiver.ReceiveAsync(topic, subscription, 100))
            {
                messages.Add(received.Message);
                await receiver.CompleteAsync(received.LockToken);
            }

            if (messages.Count >= atLeast || clock.Elapsed > wait)
            {
                return messages;
            }

            // Not Eventually: a caller may also ask for a window in which no message may arrive (atLeast beyond what is due).
            await Task.Delay(50);
        }
    }

    public static Change<Counter> Step(Counter state, string action, string principal = "ndrc", params OutboundMessage[] messages) => new()
    {
        State = state,
        Action = action,
        Principal = principal,
        Details = new { value = state.Value },
        Messages = messages,
    };
}

/// <summary>Counts the deadline wake-ups of the test kind, and marks them fired as a real handler would.</summary>
public sealed class RecordingDeadlineHandler(RecordStore records) : IDeadlineHandler
{
    public const string Action = "test.deadline";

    private readonly List<DeadlineDue> handled = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> calls = new();

    public IReadOnlyCollection<string> Actions => [Action];

    /// <summary>Every call for a record, whether it changed the record or found the deadline already handled.</summary>
    public int CallsFor(RecordKey key) => calls.GetValueOrDefault(key?.PartitionKey ?? "");

    public IReadOnlyList<DeadlineDue> Handled
    {
        get
        {
            lock (handled)
            {
                return handled.ToArray();
            }
        }
    }

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        calls.AddOrUpdate(due.Record, 1, (_, n) => n + 1);
        var result = await records.UpdateAsync<Counter>(due.Key, r => due.IsCurrentFor(r)
            ? new Change<Counter> { State = r.State with { Note = "deadline " + due.Deadline }, Action = "test.deadline-fired", Principal = "system:deadlines", Fired = [due.Deadline] }
            : null, cancellationToken);
        if (result.Changed)
        {
            lock (handled)
            {
                handled.Add(due);
            }
        }
    }
}

/// <summary>A handler whose downstream is broken until the test repairs it.</summary>
public sealed class FailingDeadlineHandler(RecordStore records) : IDeadlineHandler
{
    public const string Action = "test.failing";
    public const string Failure = "the registry of the test is down";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> calls = new();

    public IReadOnlyCollection<string> Actions => [Action];

    public bool Broken { get; set; } = true;

    public int CallsFor(RecordKey key) => calls.GetValueOrDefault(key?.PartitionKey ?? "");

    public async Task HandleAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        calls.AddOrUpdate(due.Record, 1, (_, n) => n + 1);
        if (Broken)
        {
            throw new InvalidOperationException(Failure);
        }

        await records.UpdateAsync<Counter>(due.Key, r => due.IsCurrentFor(r)
            ? new Change<Counter> { State = r.State with { Note = "repaired" }, Action = "test.failing-fired", Principal = "system:deadlines", Fired = [due.Deadline] }
            : null, cancellationToken);
    }
}
