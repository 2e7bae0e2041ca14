using System.Diagnostics;

namespace Integration.Benchmarks.Harness;

/// <summary>
/// One timed workload. <see cref="RunAsync"/> gets the size to run at and a stopped clock: it prepares what it needs,
/// starts the clock around the part being measured only, cleans up, and returns how many operations it timed.
/// </summary>
internal sealed record Workload(
    string Name,
    string Unit,
    int Size,
    int WarmUpSize,
    Func<int, WorkloadClock, CancellationToken, Task<long>> RunAsync)
{
    /// <summary>A second process the workload drives (Azurite), whose peak memory is reported beside ours.</summary>
    public Process? Server { get; init; }

    /// <summary>
    /// Timed runs when --reps is not given. A workload whose runs take minutes sets fewer than the default, so that
    /// the whole benchmark stays within minutes.
    /// </summary>
    public int? Repetitions { get; init; }

    /// <summary>A line for the report: what the figure means when the name alone does not say.</summary>
    public string? Note { get; init; }
}

internal sealed record WorkloadResult(
    string Suite,
    string Name,
    string Unit,
    long OperationsPerRepetition,
    IReadOnlyList<double> Rates,
    long PeakWorkingSetBytes,
    long PeakManagedHeapBytes,
    double AllocatedBytesPerOperation,
    int Gen2Collections,
    long? ServerPeakWorkingSetBytes,
    string? Note)
{
    public double Median
    {
        get
        {
            var sorted = Rates.Order().ToArray();
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }
}
