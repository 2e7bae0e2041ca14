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

    /// <summary>
    /// The peak memory of a second process that the run started and ended itself (so not a <see cref="Workload.Server"/>
    /// that outlives it), read by the workload before that process goes.
    /// </summary>
    public long? ServerPeakWorkingSetBytes { get; private set; }

    public void RecordServerPeak(long bytes) => ServerPeakWorkingSetBytes = Math.Max(ServerPeakWorkingSetBytes ?? 0, bytes);

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
