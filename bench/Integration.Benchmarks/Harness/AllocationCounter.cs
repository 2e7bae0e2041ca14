using System.Diagnostics.Tracing;

namespace Integration.Benchmarks.Harness;

/// <summary>
/// Counts the bytes the process allocates from the runtime's allocation-tick events (one about every 100 KB, carrying the
/// amount since the previous one). <see cref="GC.GetTotalAllocatedBytes"/> would be simpler, but under server GC with
/// dynamic adaptation (the function app's setting) it sums only the heaps active at the moment, so it can fall while
/// a workload runs. The events are exact in total and only coarse at the edges: ±100 KB per heap a measurement.
/// </summary>
internal sealed class AllocationCounter : EventListener
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const int AllocationTickEventId = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private long bytes;

    public static AllocationCounter Instance { get; } = new();

    public long AllocatedBytes => Interlocked.Read(ref bytes);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name == RuntimeProvider)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.EventId != AllocationTickEventId || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
        {
            return;
        }

        var index = names.IndexOf("AllocationAmount64");
        if (index >= 0 && payload[index] is ulong amount)
        {
            Interlocked.Add(ref bytes, (long)amount);
        }
    }
}
