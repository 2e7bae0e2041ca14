using System.Globalization;
using System.Text;

namespace Integration.Benchmarks.Harness;

internal static class Report
{
    private const double MiB = 1024 * 1024;

    public static string Markdown(IReadOnlyList<WorkloadResult> results, bool peaksArePerWorkload)
    {
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        text.AppendLine("| suite | workload | ops per run | median rate | each run | peak RSS MiB | peak GC heap MiB | alloc KiB/op | server peak RSS MiB |");
        text.AppendLine("|---|---|--:|--:|---|--:|--:|--:|--:|");
        foreach (var r in results)
        {
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Suite} | {r.Name} | {r.OperationsPerRepetition:N0} | {r.Median:N0} {r.Unit} | {string.Join(" / ", r.Rates.Select(rate => rate.ToString("N0", CultureInfo.InvariantCulture)))} " +
                $"| {r.PeakWorkingSetBytes / MiB:N0} | {r.PeakManagedHeapBytes / MiB:N0} | {r.AllocatedBytesPerOperation / 1024:N1} " +
                $"| {(r.ServerPeakWorkingSetBytes is { } server ? (server / MiB).ToString("N0", CultureInfo.InvariantCulture) : "")} |"));
        }

        var notes = results.Where(r => r.Note is not null).Select(r => $"- {r.Suite} / {r.Name}: {r.Note}").ToList();
        if (notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in notes)
            {
                text.AppendLine(note);
            }
        }

        if (!peaksArePerWorkload)
        {
            text.AppendLine();
            text.AppendLine("Peak RSS could not be reset between workloads here: each figure is the peak since the process started.");
        }

        return text.ToString();
    }
}
