using System.Globalization;
using Integration.Benchmarks.Harness;
using Integration.Domain.Enforcement.Draw;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// The joint-enforcement draw (DRAW-v1) over 100,000 targets in 3 strata and 2,000 officers of 6 departments, 1 in 50
/// of whom recuses some owner: the seed, the stratified target shuffle and the officers of every drawn target.
/// Pure CPU, one thread; the roster is built and sorted outside the clock, as it is frozen before the draw.
/// </summary>
internal sealed class DrawSuite : IBenchmarkSuite
{
    private const int Officers = 2_000;

    public string Name => "draw";

    public string Description => "enforcement draw DRAW-v1: 100,000 targets, 2,000 officers, then its verification";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await run.MeasureAsync(Name, Draw("draw at 5 % per stratum (5,000 targets, 2 officers each)", 5m, verify: false, run.Log), cancellationToken);
        await run.MeasureAsync(Name, Draw("draw at 100 % (every target, 2 officers each)", 100m, verify: false, run.Log), cancellationToken);
        await run.MeasureAsync(Name, Draw("draw at 5 %, then verify the record", 5m, verify: true, run.Log), cancellationToken);
    }

    private static Workload Draw(string name, decimal ratio, bool verify, TextWriter log) => new(
        name,
        "targets/s",
        100_000,
        10_000,
        (count, clock, cancellationToken) =>
        {
            var (roster, sampling, commitments, nonces) = Inputs(count, ratio);
            var cpu = Environment.CpuUsage.TotalTime;
            clock.Start();
            var outcome = DrawEngine.Draw("WH-2026-JE-BENCH", roster, sampling, commitments, nonces);
            var verification = verify && outcome is DrawCompleted done ? DrawEngine.Verify(done.Record) : DrawVerification.Valid;
            clock.Stop();

            // On a shared machine the wall clock includes waiting for a core; the process's CPU time does not.
            log.Write(string.Create(CultureInfo.InvariantCulture, $" [{clock.Elapsed.TotalMilliseconds:F0} ms wall, {(Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds:F0} ms CPU]"));

            // Untimed: a refused or short draw would flatter the figure.
            var expected = sampling.Strata.Sum(s => s.DrawCount(roster.Targets.Count(t => t.Stratum == s.Name)));
            return outcome is DrawCompleted { Record.Selected.Count: var drawn } && drawn == expected && verification.IsValid
                ? Task.FromResult((long)count)
                : throw new InvalidOperationException($"The draw over {count} targets did not draw {expected} targets or did not verify: {outcome}.");
        })
    {
        Note = ratio == 5m && !verify
            ? "rate = roster targets per second of one draw; 100,000 / rate is the time of one draw (seed, target shuffle, officers)"
            : null,
    };

    private static (DrawRoster, DrawSampling, Dictionary<string, string>, Dictionary<string, string>) Inputs(int count, decimal ratio)
    {
        var random = new Random(11);
        string[] departments = ["ecology", "housing", "market", "transport", "water", "industry"];
        var owners = Enumerable.Range(0, Math.Max(1, count / 4)).Select(i => $"9137{i:D14}").ToArray();
        string[] strata = ["high", "medium", "low"];
        var targets = Enumerable.Range(0, count).Select(i => new DrawTarget(
            $"2026-371002-48-01-{i:D6}",
            strata[i % 3],
            owners[random.Next(owners.Length)]));
        var officers = Enumerable.Range(0, Officers).Select(i => new DrawOfficer(
            departments[i % departments.Length],
            $"{departments[i % departments.Length]}-{i:D5}",
            i % 50 == 0 ? [owners[random.Next(owners.Length)], owners[random.Next(owners.Length)]] : []));
        var roster = DrawRoster.Create(targets, officers).Roster!;
        var sampling = new DrawSampling([.. strata.Select(s => new SamplingStratum(s, ratio, 1))], 2);
        var nonces = departments.ToDictionary(d => d, d => string.Create(CultureInfo.InvariantCulture, $"{d}-nonce-{random.NextInt64():x16}{random.NextInt64():x16}"));
        return (roster, sampling, nonces.ToDictionary(p => p.Key, p => DrawCommitments.Commit(p.Value)), nonces);
    }
}
