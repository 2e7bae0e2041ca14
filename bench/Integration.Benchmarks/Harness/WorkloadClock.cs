using System.Diagnostics;

namespace Integration.Benchmarks.Harness;

/// <summary>
/// The stopwatch a workload starts and stops around the part it measures. It counts the bytes allocated in that part
/// too, so that preparing data (publishing the messages a consumer then drains, say) is billed neither in time nor in allocations.
/// </summary>
internal sealed class WorkloadClock
{
    private readonly Stopwatch stopwatch = new();
    private long allocatedAtStart;

    public TimeSpan Elapsed => stopwatch.Elapsed;

    public bool IsRunning => stopwatch.IsRunning;

    public long AllocatedBytes { get; private set; }

    public void Start()
    {
        allocatedAtStart = AllocationCounter.Instance.AllocatedBytes;
        stopwatch.Start();
    }

    public void Stop()
    {
        stopwatch.Stop();
        AllocatedBytes += AllocationCounter.Instance.AllocatedBytes - allocatedAtStart;
    }
}
