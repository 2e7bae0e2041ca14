using System.Globalization;
using System.Text.Json;
using Integration.Benchmarks.Harness;
using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Identity;
using Integration.Domain.Leads;
using Integration.Domain.Reports;
using Integration.Domain.Storage;
using Integration.Functions;
using Integration.Functions.Approvals;
using Integration.Functions.Enforcement;
using Integration.Functions.Leads;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Orchestrations;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskStatus = Integration.Domain.Enforcement.Plans.TaskStatus;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// The coordination report of one quarter over 100,000 approvals, 20,000 leads and 50 plans (issue 12 §6), in process
/// with the app's own composition (embedded store, artefacts as files). The data is seeded straight into the listing
/// indexes the report reads (the approval and lead rows of partition <c>all</c> in batches of 100, in the indexes' own
/// row format; the plans through <see cref="PlanIndex"/> itself), not through the flows: seeding is not what is timed.
/// Timed: the whole synchronous run, as ndrc's <c>regenerate</c> asks for it: compute from the indexes, store the JSON,
/// render and store the page and the workbook, commit the version with its fan-out.
/// </summary>
internal sealed class CoordinationReportSuite : IBenchmarkSuite
{
    private const int Approvals = 100_000;
    private const int Leads = 20_000;
    private const int Plans = 50;
    private const int TasksPerPlan = 40;
    private const string Period = "2026Q1";

    private static readonly DateTimeOffset QuarterStart = new(2026, 1, 1, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly TimeSpan QuarterLength = TimeSpan.FromDays(89);

    public string Name => "report-100k";

    public string Description => "coordination report of one quarter over 100,000 approvals, 20,000 leads and 50 plans (compute, store JSON/HTML/xlsx, fan out)";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var appFolder = FunctionAppProcess.AppFolder(RepositoryRoot.Find());
        using var scratch = Scratch.Create(run.Options.DataRoot, "report");
        using var host = Build(appFolder, scratch.Path);
        await host.StartAsync(cancellationToken);
        try
        {
            var services = host.Services;
            var departments = services.GetRequiredService<PrincipalRegistry>().All
                .Where(p => p.Has(PrincipalRole.Department) && !p.Has(PrincipalRole.Coordinator)).Select(p => p.Id).Order(StringComparer.Ordinal).ToArray();
            var approvals = run.Options.Scaled(Approvals);
            var leads = run.Options.Scaled(Leads);
            var seeding = System.Diagnostics.Stopwatch.StartNew();
            var store = services.GetRequiredService<ITableStore>();
            await SeedApprovalsAsync(store, departments, approvals, cancellationToken);
            await SeedLeadsAsync(store, departments, leads, cancellationToken);
            await SeedPlansAsync(services.GetRequiredService<PlanIndex>(), departments, cancellationToken);
            run.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  seeded {approvals:N0} approvals, {leads:N0} leads, {Plans} plans of {TasksPerPlan} tasks over {departments.Length} departments in {seeding.Elapsed.TotalSeconds:F0} s (not timed)"));

            var reports = services.GetRequiredService<CoordinationReports>();
            ReportContent? last = null;
            var runs = new List<string>();
            await run.MeasureAsync(Name, new Workload(
                "report of one quarter, whole run",
                "approvals/s",
                approvals,
                approvals,
                async (_, clock, ct) =>
                {
                    // The three steps of a version, as the orchestration's activities run them, each timed on its own as well.
                    var (_, next) = await reports.NextAsync(Period, regenerate: true, "ndrc", ct);
                    var step = System.Diagnostics.Stopwatch.StartNew();
                    clock.Start();
                    var json = await reports.ComputeAndStoreAsync(next!, ct);
                    var computed = step.Elapsed;
                    var artefacts = await reports.RenderAndStoreAsync(next!, json, ct);
                    var rendered = step.Elapsed;
                    var published = await reports.PublishAsync(next!, artefacts, ct);
                    clock.Stop();
                    last = (await reports.GetAsync(Period, published?.Version ?? throw new InvalidOperationException("The version was not published."), ct))!.Content;
                    runs.Add(string.Create(CultureInfo.InvariantCulture,
                        $"v{published.Version}: {step.Elapsed.TotalSeconds:F1} s (compute + JSON {computed.TotalSeconds:F1} s, HTML + xlsx {(rendered - computed).TotalSeconds:F1} s, commit + fan-out {(step.Elapsed - rendered).TotalSeconds:F1} s)"));
                    return approvals;
                })
            {
                Repetitions = 3,
                Note = "seconds per report = 100,000 / rate: compute from the indexes and store the JSON, render and store HTML and xlsx, commit the version and its fan-out",
            }, cancellationToken);
            foreach (var line in runs)
            {
                run.Log.WriteLine("    " + line);
            }

            // Untimed: the report counted what was seeded (every approval part and lead part routed in the quarter).
            var routed = last!.Municipality.Approvals.Routed;
            var received = last.Municipality.Leads.Received;
            run.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  report {Period} v{last.Version}: {routed:N0} approval parts routed, {received:N0} lead parts received, {last.Municipality.Enforcement.TasksAssigned:N0} tasks, {last.Departments.Sum(d => d.OverdueItems.Count):N0} overdue items"));
            if (routed != ExpectedParts(approvals) || received != leads + ((leads + 4) / 5))
            {
                throw new InvalidOperationException($"The report counted {routed} approval parts and {received} lead parts; {ExpectedParts(approvals)} and {leads + ((leads + 4) / 5)} were seeded.");
            }
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static int ExpectedParts(int approvals) => approvals + ((approvals + 3) / 4);

    /// <summary>The app's composition without its HTTP host: the embedded store under the scratch folder, no Durable Task engine.</summary>
    private static IHost Build(string appFolder, string dataPath)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = appFolder, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = dataPath,
            ["Durable:Engine"] = "Off",
            ["Connectors:ApprovalSystem:BaseUrl"] = "",
            ["Enforcement:SeedDevelopmentOfficers"] = "false",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddApp();

        // As the local host composes it (Program.cs), without its HTTP side: with Durable:Engine=Off this adds no engine.
        builder.Services.AddLocalDurableTask(FunctionIndex.ForApp, builder.Configuration);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = false }));
        return builder.Build();
    }

    private static DateTimeOffset Spread(int index, int count) => QuarterStart + (QuarterLength * index / Math.Max(1, count));

    /// <summary>One part per approval, a second on every fourth; claimed on time, late, declined, or left pending (overdue by the quarter's end).</summary>
    private static async Task SeedApprovalsAsync(ITableStore store, string[] departments, int count, CancellationToken cancellationToken)
    {
        await store.CreateTableIfNotExistsAsync(ApprovalIndex.Table, cancellationToken);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(100))
        {
            var operations = chunk.Select(i =>
            {
                var routedAt = Spread(i, count);
                var parts = new List<ApprovalPart> { Part(departments[i % departments.Length], routedAt, i) };
                if (i % 4 == 0)
                {
                    parts.Add(Part(departments[(i + 3) % departments.Length], routedAt, i + 1));
                }

                var id = "BENCH-A-" + i.ToString("D6", CultureInfo.InvariantCulture);
                var rowKey = (DateTimeOffset.MaxValue.UtcTicks - routedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + id;
                return TableOperation.Upsert(new TableEntity(ApprovalIndex.AllPartition, rowKey, new Dictionary<string, object?>
                {
                    ["RecordVersion"] = 1L,
                    ["ApprovalId"] = id,
                    ["Version"] = 1L,
                    ["ProjectCode"] = "2026-371000-48-01-" + i.ToString("D6", CultureInfo.InvariantCulture),
                    ["ProjectName"] = "基准测试项目 " + i.ToString(CultureInfo.InvariantCulture),
                    ["Industry"] = "housing-construction",
                    ["RegionCode"] = "371000",
                    ["ApprovalKind"] = "approval",
                    ["TenderMethod"] = "open",
                    ["ReceivedAt"] = routedAt,
                    ["Status"] = parts.Any(p => p.Status == ClaimStatus.Pending) ? ApprovalStatus.Pending : ApprovalStatus.Claimed,
                    ["Parts"] = JsonSerializer.Serialize(parts, RecordJson.Options),
                }));
            }).ToArray();
            await store.ExecuteBatchAsync(ApprovalIndex.Table, operations, cancellationToken);
        }
    }

    private static ApprovalPart Part(string department, DateTimeOffset routedAt, int i) => (i % 10) switch
    {
        < 6 => NewPart(department, routedAt) with { Status = ClaimStatus.Claimed, ClaimedAt = routedAt.AddDays(1) },
        6 => NewPart(department, routedAt) with { Status = ClaimStatus.Claimed, ClaimedAt = routedAt.AddDays(12) },
        7 => NewPart(department, routedAt) with { Status = ClaimStatus.Declined, DeclinedAt = routedAt.AddHours(5), DeclineReason = "不属于本部门职责" },
        _ => NewPart(department, routedAt),
    };

    private static ApprovalPart NewPart(string department, DateTimeOffset routedAt) => new()
    {
        Department = department,
        Reason = "responsibility-list",
        RoutedAt = routedAt,
        ClaimClock = new ClockBasis(DateOnly.FromDateTime(routedAt.ToOffset(TimeSpan.FromHours(8)).DateTime), 3),
    };

    /// <summary>One supervisor per lead, police beside it on every fifth; receipted, returned, fed back or still open.</summary>
    private static async Task SeedLeadsAsync(ITableStore store, string[] departments, int count, CancellationToken cancellationToken)
    {
        await store.CreateTableIfNotExistsAsync(LeadIndex.Table, cancellationToken);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(100))
        {
            var operations = chunk.Select(i =>
            {
                var state = Lead(departments, i, Spread(i, count));
                var properties = new Dictionary<string, object?> { ["RecordVersion"] = 1L };
                LongText.Put(properties, "State", JsonSerializer.Serialize(state, RecordJson.Options));
                return TableOperation.Upsert(new TableEntity(LeadIndex.AllPartition, state.LeadId, properties));
            }).ToArray();
            await store.ExecuteBatchAsync(LeadIndex.Table, operations, cancellationToken);
        }
    }

    private static LeadState Lead(string[] departments, int i, DateTimeOffset relayedAt)
    {
        var id = "BENCH-L-" + i.ToString("D6", CultureInfo.InvariantCulture);
        var day = DateOnly.FromDateTime(relayedAt.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var recipients = new List<Recipient> { Recipient(departments[i % departments.Length], RecipientRole.Supervisor, relayedAt, day, i) };
        if (i % 5 == 0)
        {
            recipients.Add(Recipient("police", RecipientRole.Police, relayedAt, day, i + 2));
        }

        return new LeadState
        {
            Submission = new LeadSubmission(
                id, relayedAt.AddDays(-1), "2026-371000-48-01-" + i.ToString("D6", CultureInfo.InvariantCulture), null, "bid-rigging", "housing-construction",
                "投标文件雷同", [new LeadParty("某建设有限公司", "91371000MA3C000000", "bidder")], [], SuspectedCrime: false, Source: null),
            Fingerprint = id,
            SubmittedBy = "trading-center",
            SubmittedAt = relayedAt,
            RelayClock = new ClockBasis(day, 3),
            RoutedTo = recipients.Select(r => r.Department).ToArray(),
            RelayedAt = relayedAt,
            RelayLateness = Lateness.OnTime,
            Recipients = recipients,
        };
    }

    private static Recipient Recipient(string department, RecipientRole role, DateTimeOffset relayedAt, DateOnly day, int i)
    {
        var part = new Recipient
        {
            Department = department,
            Role = role,
            Reason = "responsibility-list",
            Status = RecipientStatus.Relayed,
            RelayedAt = relayedAt,
            RelayClock = new ClockBasis(day, 3),
            RelayLateness = Lateness.OnTime,
        };
        var receipt = new LeadReceipt(relayedAt.AddHours(4), department, [], [], null);
        return (i % 4) switch
        {
            0 => part with { Status = RecipientStatus.Received, Receipt = receipt },
            1 => part with { Status = RecipientStatus.Returned, Return = new LeadReturn(relayedAt.AddDays(1), "不属于本部门职责", Lateness.OnTime) },
            2 => part with
            {
                Status = RecipientStatus.FedBack,
                Receipt = receipt,
                CompletedAt = relayedAt.AddDays(10),
                FeedbackClock = new ClockBasis(day.AddDays(10), 5),
                Result = new LeadResult("penalty", "责令改正", relayedAt.AddDays(10), relayedAt.AddDays(12), new Lateness(i % 8 == 2, i % 8 == 2 ? 2 : 0)),
            },
            _ => part with { Status = RecipientStatus.Handled, Receipt = receipt, CompletedAt = relayedAt.AddDays(5), FeedbackClock = new ClockBasis(day.AddDays(5), 5) },
        };
    }

    /// <summary>Dispatched plans with their tasks, half of them with results, through the plan index itself.</summary>
    private static async Task SeedPlansAsync(PlanIndex index, string[] departments, CancellationToken cancellationToken)
    {
        for (var p = 0; p < Plans; p++)
        {
            var createdAt = Spread(p, Plans);
            var day = DateOnly.FromDateTime(createdAt.ToOffset(TimeSpan.FromHours(8)).DateTime);
            var lead = departments[p % departments.Length];
            var participants = new[] { departments[(p + 1) % departments.Length], departments[(p + 2) % departments.Length] };
            var id = "BENCH-P-" + p.ToString("D3", CultureInfo.InvariantCulture);
            var tasks = Enumerable.Range(0, TasksPerPlan).Select(t => new PlanTask(
                $"{id}-T{t:D3}",
                $"target-{t}",
                "all",
                "91371000MA3C" + t.ToString("D6", CultureInfo.InvariantCulture),
                [new TaskOfficer(lead, $"{lead}-officer-{t % 5}"), new TaskOfficer(participants[t % 2], $"{participants[t % 2]}-officer-{t % 5}")],
                t % 2 == 0 ? TaskStatus.Done : TaskStatus.Assigned,
                t % 2 == 0 ? new TaskResult("no-problem", [], createdAt.AddDays(8), lead, createdAt.AddDays(9), new Lateness(t % 6 == 0, t % 6 == 0 ? 1 : 0)) : null)).ToArray();
            var state = new PlanState
            {
                Input = new PlanInput(
                    id, "招标投标联合检查 " + p.ToString(CultureInfo.InvariantCulture), "joint-inspection", "《招标投标法》", lead, participants,
                    [new PlanMatter("评标专家抽取", "《招标投标法》第三十七条")], new PlanScope(["371000"], ["housing-construction"]),
                    [new SamplingStratum("all", 10m, 1)], 2, new PlanWindow(day.AddDays(3), day.AddDays(20)), 5),
                Fingerprint = id,
                Initiator = "ndrc",
                CreatedAt = createdAt,
                Stage = PlanStage.Inspecting,
                Consultation = new Consultation(1, createdAt, new ClockBasis(day, 3), []),
                ApprovedAt = createdAt.AddDays(1),
                ApprovedBy = "ndrc",
                DispatchedAt = createdAt.AddDays(2),
                Tasks = tasks,
            };
            await index.ProjectAsync(new Record<PlanState>(new RecordKey(PlanMachine.Kind, id), state, 1, "*", null!, []), cancellationToken);
        }
    }
}
