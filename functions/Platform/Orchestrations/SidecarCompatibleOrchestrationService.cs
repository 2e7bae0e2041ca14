using DurableTask.Core;
using DurableTask.Core.History;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>
/// Puts the Durable Task sidecar (<c>TaskHubGrpcServer</c>, written for its in-memory store) in front of DTFx's Azure
/// Storage provider. Before a completed orchestration episode is stored, it turns the sidecar's own types into plain
/// DurableTask.Core ones the provider can write and read back:
/// <list type="bullet">
/// <item>the sidecar records a sub-orchestration with its own <c>GrpcSubOrchestrationInstanceCreatedEvent</c>, which the
/// provider stores without an event type, so every later load of that history fails ("The TableEntity did not contain a
/// 'EventType' property");</item>
/// <item>the child's start message carries the protobuf <c>MapField</c> of its tags, which the provider's JSON writes with
/// that type and cannot read back, so the message is retried for ever and the child never starts.</item>
/// </list>
/// Everything else is passed through unchanged.
/// </summary>
public sealed class SidecarCompatibleOrchestrationService(IOrchestrationService inner) : IOrchestrationService
{
    public IOrchestrationService Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public int TaskOrchestrationDispatcherCount => Inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => Inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => Inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => Inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => Inner.MaxConcurrentTaskActivityWorkItems;

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        ArgumentNullException.ThrowIfNull(newOrchestrationRuntimeState);
        ReplaceSidecarEvents(newOrchestrationRuntimeState.Events);
        ReplaceSidecarEvents(newOrchestrationRuntimeState.NewEvents);
        foreach (var message in orchestratorMessages ?? [])
        {
            if (message.Event is ExecutionStartedEvent started)
            {
                started.Tags = PlainTags(started.Tags);
            }
        }

        return Inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    /// <summary>Replaces, in place, every sub-orchestration event of a derived (sidecar) type by the plain DurableTask.Core event.</summary>
    public static int ReplaceSidecarEvents(IList<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var replaced = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
            {
                events[i] = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                {
                    Name = created.Name,
                    Version = created.Version,
                    InstanceId = created.InstanceId,
                    Input = created.Input,
                    ClientSpanId = created.ClientSpanId,
                    Tags = PlainTags(created.Tags),
                    Timestamp = created.Timestamp,
                    IsPlayed = created.IsPlayed,
                };
                replaced++;
            }
        }

        return replaced;
    }

    /// <summary>A plain dictionary for whatever dictionary type the sidecar used (a protobuf <c>MapField</c>).</summary>
    public static IDictionary<string, string>? PlainTags(IDictionary<string, string>? tags) =>
        tags is null || tags.GetType() == typeof(Dictionary<string, string>) ? tags : new Dictionary<string, string>(tags);

    /// <summary>Whether the sidecar has started the provider: stopping one that never started throws inside the provider.</summary>
    public bool Started { get; private set; }

    public async Task StartAsync()
    {
        await Inner.StartAsync();
        Started = true;
    }

    public Task StopAsync() => Inner.StopAsync();

    public Task StopAsync(bool isForced) => Inner.StopAsync(isForced);

    public Task CreateAsync() => Inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => Inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => Inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => Inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => Inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        Inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => Inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => Inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        Inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => Inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => Inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => Inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        Inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => Inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        Inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => Inner.AbandonTaskActivityWorkItemAsync(workItem);
}
