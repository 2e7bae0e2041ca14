using System.Diagnostics;
using System.Globalization;

namespace Integration.Benchmarks.Harness;

/// <summary>
/// Runs workloads the same way each time: one warm-up run at a smaller size (JIT, connection pools, SQLite page cache),
/// then the timed repetitions, and keeps the results for the report.
/// </summary>
internal sealed class BenchmarkRun(BenchmarkOptions options, TextWriter log)
{
    private readonly List<WorkloadResult> results = [];

    public BenchmarkOptions Options { get; } = options;

    public IReadOnlyList<WorkloadResult> Results => results;

    /// <summary>False where the kernel would not reset the peak: the figures are then peaks since the process started.</summary>
    public bool PeaksArePerWorkload { get; private set; } = true;

    public TextWriter Log { get; } = log;

    public async Task<WorkloadResult> MeasureAsync(string suite, Workload workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var size = Options.Scaled(workload.Size);
        var warmUpSize = Math.Min(size, Options.Scaled(workload.WarmUpSize));
        Log.Write(string.Create(CultureInfo.InvariantCulture, $"  {suite} / {workload.Name} ({size:N0}): warm-up"));
        await TimeAsync(workload, warmUpSize, cancellationToken);

        using var self = Process.GetCurrentProcess();
        Memory.Settle();
        PeaksArePerWorkload &= Memory.TryResetPeak(self);
        if (workload.Server is { } server)
        {
            PeaksArePerWorkload &= Memory.TryResetPeak(server);
        }

        long allocated = 0;
        long? serverPeak = null;
        var gen2Before = GC.CollectionCount(2);
        var rates = new List<double>();
        long operations = 0;
        using (var heap = new HeapSampler())
        {
            var repetitions = Options.RepetitionsOf(workload);
            for (var repetition = 0; repetition < repetitions; repetition++)
            {
                var (count, clock) = await TimeAsync(workload, size, cancellationToken);
                operations = count;
                allocated += clock.AllocatedBytes;
                if (clock.ServerPeakWorkingSetBytes is { } peak)
                {
                    serverPeak = Math.Max(serverPeak ?? 0, peak);
                }

                rates.Add(count / clock.Elapsed.TotalSeconds);
                Log.Write(string.Create(CultureInfo.InvariantCulture, $", {rates[^1]:N0}"));
            }

            var result = new WorkloadResult(
                suite,
                workload.Name,
                workload.Unit,
                operations,
                rates,
                Memory.PeakWorkingSet(self),
                heap.Peak,
                allocated / (double)(operations * repetitions),
                GC.CollectionCount(2) - gen2Before,
                workload.Server is { } s ? Memory.PeakWorkingSet(s) : serverPeak,
                workload.Note);
            results.Add(result);
            Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $" {workload.Unit}; median {result.Median:N0}"));
            return result;
        }
    }

    private static async Task<(long Count, WorkloadClock Clock)> TimeAsync(Workload workload, int size, CancellationToken cancellationToken)
    {
        var clock = new WorkloadClock();
        var count = await workload.RunAsync(size, clock, cancellationToken);
        if (clock.IsRunning || clock.Elapsed <= TimeSpan.Zero || count <= 0)
        {
            throw new InvalidOperationException($"Workload '{workload.Name}' must stop its clock and report the operations it timed.");
        }

        return (count, clock);
    }
}
