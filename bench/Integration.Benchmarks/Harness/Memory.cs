using System.Diagnostics;

namespace Integration.Benchmarks.Harness;

internal static class Memory
{
    /// <summary>
    /// Linux lets a process reset a high-water mark it may write to (<c>clear_refs</c> 5), so each workload reports its own
    /// peak rather than the largest one of the run so far. Elsewhere the peak is the process's since start.
    /// </summary>
    public static bool TryResetPeak(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            File.WriteAllText($"/proc/{process.Id}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static long PeakWorkingSet(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    /// <summary>Starts each workload from a compacted heap with freed memory given back, so one workload's garbage is not billed to the next.</summary>
    public static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}

/// <summary>
/// Samples the managed heap every few milliseconds. The runtime keeps no peak of its own between collections,
/// so sampling is the cheap way to see one; a spike shorter than the interval can be missed.
/// </summary>
internal sealed class HeapSampler : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly Thread thread;
    private volatile bool stopping;
    private long peak;

    public HeapSampler()
    {
        thread = new Thread(Sample) { IsBackground = true, Name = "heap sampler" };
        thread.Start();
    }

    public long Peak => Interlocked.Read(ref peak);

    public void Dispose()
    {
        stopping = true;
        thread.Join();
    }

    private void Sample()
    {
        while (!stopping)
        {
            var current = GC.GetTotalMemory(forceFullCollection: false);
            if (current > Interlocked.Read(ref peak))
            {
                Interlocked.Exchange(ref peak, current);
            }

            Thread.Sleep(Interval);
        }
    }
}
