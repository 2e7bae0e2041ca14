using Integration.Benchmarks.Harness;

namespace Integration.Benchmarks.Suites;

/// <summary>A named group of workloads, run with <c>-- &lt;name&gt;</c>. Each suite prepares and removes its own data.</summary>
internal interface IBenchmarkSuite
{
    string Name { get; }

    string Description { get; }

    Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken);
}

internal static class BenchmarkSuites
{
    // A new benchmark is a class implementing IBenchmarkSuite added to this list; 'all', the usage text and
    // docs/benchmarks.md's rerun command pick it up from here.
    public static IReadOnlyList<IBenchmarkSuite> All { get; } =
    [
        new TableStoreSuite(),
        new TopicBusSuite(),
        new RecordStoreSuite(),
        new AzuriteTableStoreSuite(),
        new ApprovalPullSuite(),
        new DrawSuite(),
        new OrchestrationSuite(),
        new EnforcementPlanSuite(),
        new HostileBodySuite(),
        new CoordinationReportSuite(),
    ];
}
