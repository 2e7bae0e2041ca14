using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Benchmarks.Harness;
using Integration.Functions.Approvals;
using Integration.Functions.Identity;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// The approval pull end to end: the function app, started as its own process on a fresh embedded store, pulls
/// generated approvals from a feed served by this process, and each run lasts until the feed has served its last
/// page and every message of every approval is on the bus. Everything a pulled approval causes is in the figure:
/// validation, the record's commit with its history and deadlines, routing, the messages to the departments and to
/// the approval system, the listing index and the checkpoint after each page.
/// </summary>
internal sealed class ApprovalPullSuite : IBenchmarkSuite
{
    public const int Approvals = 20_000;
    private const int DefaultPageSize = 100;

    // Long enough for a loaded machine; a pull that serves no page for this long has stopped.
    private static readonly TimeSpan StallTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public string Name => "approvals";

    public string Description => "approval pull: the function app (its own process, embedded store) pulls 20,000 approvals from a local feed";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var appFolder = FunctionAppProcess.AppFolder(RepositoryRoot.Find());
        var municipality = BenchApprovals.LoadMunicipality(Path.Combine(appFolder, "Municipalities", "weihai.json"));
        run.Log.WriteLine($"  function app: {Path.Combine(appFolder, FunctionAppProcess.AppFileName)}");

        // The larger page first, the figure to quote; then the contract's default page size for comparison.
        foreach (var pageSize in new[] { 500, DefaultPageSize })
        {
            var facts = new List<RunFacts>();
            await run.MeasureAsync(Name, Pull(run.Options.DataRoot, appFolder, municipality, pageSize, facts), cancellationToken);
            foreach (var (label, f) in facts.Select((f, i) => (i == 0 ? "warm-up" : $"run {i}", f)))
            {
                run.Log.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"    {label}: {f.Pages} pages; process start to first feed request {f.StartUp.TotalSeconds:F1} s (not timed); " +
                    $"app CPU {f.CpuPerApproval.TotalMilliseconds:F1} ms per approval over {f.Elapsed.TotalSeconds:F0} s timed"));
            }
        }
    }

    private static Workload Pull(string dataRoot, string appFolder, MunicipalityOptions municipality, int pageSize, List<RunFacts> facts) => new(
        $"pull into the function app, pages of {pageSize}",
        "approvals/s",
        Approvals,
        500,
        async (count, clock, cancellationToken) =>
        {
            var feedItems = BenchApprovals.Generate(count);
            var expected = Expected(municipality, count);
            using var scratch = Scratch.Create(dataRoot, "approvals");
            var sinceStart = new Stopwatch();
            var startUp = TimeSpan.Zero;
            var cpuAtFirstRequest = TimeSpan.Zero;
            FunctionAppProcess? started = null;
            await using var feed = await BenchApprovalFeed.StartAsync(
                feedItems,
                () =>
                {
                    clock.Start();
                    startUp = sinceStart.Elapsed;
                    cpuAtFirstRequest = Volatile.Read(ref started)?.Process.TotalProcessorTime ?? TimeSpan.Zero;
                },
                cancellationToken);

            sinceStart.Start();
            using var app = FunctionAppProcess.Start(appFolder, Loopback.FreePort(), new Dictionary<string, string>
            {
                // Development for its API keys (dev-admin reads the counts); everything the pull depends on is set here.
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Storage:Provider"] = "Sqlite",
                ["Storage:DataPath"] = scratch.Path,
                // No orchestration in this workload: the engine (and the Azurite it would start) stays out of the figure.
                ["Durable:Engine"] = "Off",
                ["Connectors:ApprovalSystem:BaseUrl"] = feed.BaseUrl.ToString(),
                ["Connectors:ApprovalSystem:PageSize"] = pageSize.ToString(CultureInfo.InvariantCulture),
                ["Connectors:ApprovalSystem:RunOnStartup"] = "true",
                // Once a year: the start-up pull is the only one, so no timer run interleaves with it.
                ["Connectors:ApprovalSystem:Schedule"] = "0 0 0 1 1 *",
                // The whole feed in one run, whatever the page size.
                ["Connectors:ApprovalSystem:MaxPagesPerRun"] = ((count / pageSize) + 10).ToString(CultureInfo.InvariantCulture),
            });
            Volatile.Write(ref started, app);

            await WaitAsync(feed.FirstRequest, app, StartTimeout, "ask the feed for its first page", cancellationToken);
            await WaitForLastPageAsync(feed, app, cancellationToken);
            await WaitForMessagesAsync(app, expected, cancellationToken);
            clock.Stop();
            clock.RecordServerPeak(app.PeakResidentBytes());
            var cpu = app.Process.TotalProcessorTime - cpuAtFirstRequest;

            // Untimed: what the pull itself says it did, and that nothing went astray.
            await CheckAsync(app, count, feed.Pages, cancellationToken);
            facts.Add(new RunFacts(feed.Pages, startUp, clock.Elapsed, cpu / count));
            return count;
        })
    {
        Repetitions = 1,
        Note = pageSize == 500
            ? "the function app in its own process; the clock runs from the feed's first request until the feed has served its last page and every " +
              "message of every approval is on the bus (polled on GET /api/operations/subscriptions every 100 ms once the last page is out); " +
              "server peak RSS is the app's (VmHWM), peak RSS, GC heap and allocations are this process serving the feed"
            : null,
    };

    /// <summary>Active or scheduled messages per topic and subscription once every approval is in.</summary>
    private static Dictionary<(string Topic, string Subscription), long> Expected(MunicipalityOptions municipality, int count)
    {
        var parts = BenchApprovals.ExpectedParts(municipality, count);
        var expected = parts.ToDictionary(p => (ApprovalMessages.Approvals, p.Key), p => p.Value);
        // One approval.routed to the approval system per approval. The claim deadlines are in the due-index, not on the bus.
        expected[(ApprovalMessages.Feedback, ApprovalMessages.FeedbackSubscription)] = count;
        return expected;
    }

    private static async Task WaitAsync(Task task, FunctionAppProcess app, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (app.Process.HasExited)
            {
                throw new InvalidOperationException($"The function app exited with code {app.Process.ExitCode} before it could {what}:\n{app.Output()}");
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"The function app did not {what} within {timeout}:\n{app.Output()}");
            }

            await Task.WhenAny(task, Task.Delay(PollInterval, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static async Task WaitForLastPageAsync(BenchApprovalFeed feed, FunctionAppProcess app, CancellationToken cancellationToken)
    {
        while (!feed.LastPage.IsCompleted)
        {
            if (app.Process.HasExited)
            {
                throw new InvalidOperationException($"The function app exited with code {app.Process.ExitCode} after {feed.Pages} pages:\n{app.Output()}");
            }

            if (TimeSpan.FromMilliseconds(Environment.TickCount64 - feed.LastPageServedAt) > StallTimeout)
            {
                throw new TimeoutException($"The pull asked for no page for {StallTimeout} after {feed.Pages} pages:\n{app.Output()}");
            }

            await Task.WhenAny(feed.LastPage, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Polls the subscription counts until every expected message is there. Only after the last page: by then at most
    /// one page is left to store, so the polling's own load on the app's database touches only the run's end.
    /// </summary>
    private static async Task WaitForMessagesAsync(FunctionAppProcess app, Dictionary<(string Topic, string Subscription), long> expected, CancellationToken cancellationToken)
    {
        var unchanged = Stopwatch.StartNew();
        var previous = -1L;
        while (true)
        {
            var counts = await SubscriptionCountsAsync(app, cancellationToken);
            var misses = new List<string>();
            foreach (var ((topic, subscription), (active, scheduled, deadLettered)) in counts)
            {
                var want = expected.GetValueOrDefault((topic, subscription));
                if (active + scheduled > want || deadLettered > 0)
                {
                    throw new InvalidOperationException(
                        $"{topic}/{subscription} holds {active} active, {scheduled} scheduled and {deadLettered} dead-lettered messages; expected {want} in all.");
                }

                if (active + scheduled < want)
                {
                    misses.Add($"{topic}/{subscription} {active + scheduled} of {want}");
                }
            }

            var missing = expected.Keys.Where(k => !counts.ContainsKey(k)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"The app has no subscription {string.Join(", ", missing.Select(k => $"{k.Topic}/{k.Subscription}"))}.");
            }

            if (misses.Count == 0)
            {
                return;
            }

            var total = counts.Values.Sum(c => c.Active + c.Scheduled);
            if (total != previous)
            {
                (previous, unchanged) = (total, Stopwatch.StartNew());
            }
            else if (unchanged.Elapsed > StallTimeout || app.Process.HasExited)
            {
                throw new TimeoutException($"Messages stopped arriving: {string.Join("; ", misses)}.\n{app.Output()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static async Task<Dictionary<(string Topic, string Subscription), (long Active, long Scheduled, long DeadLettered)>> SubscriptionCountsAsync(
        FunctionAppProcess app, CancellationToken cancellationToken)
    {
        var rows = await app.Client.GetFromJsonAsync<JsonElement>("api/operations/subscriptions", cancellationToken);
        return rows.EnumerateArray().ToDictionary(
            row => (row.GetProperty("topic").GetString()!, row.GetProperty("subscription").GetString()!),
            row => (row.GetProperty("active").GetInt64(), row.GetProperty("scheduled").GetInt64(), row.GetProperty("deadLettered").GetInt64()));
    }

    private static async Task CheckAsync(FunctionAppProcess app, int count, int pagesServed, CancellationToken cancellationToken)
    {
        // The pull logs its report just after the last checkpoint, a moment after the last message.
        var waited = Stopwatch.StartNew();
        while (app.PullReports().Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(PollInterval, cancellationToken);
        }

        var reports = app.PullReports();
        if (reports is not [var report] || Field(report, "Stored") != count.ToString(CultureInfo.InvariantCulture) || Field(report, "Quarantined") != "0"
            || Field(report, "Pages") != pagesServed.ToString(CultureInfo.InvariantCulture) || !"true".Equals(Field(report, "Completed"), StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Expected one pull that stored {count} approvals in the {pagesServed} pages served; its reports: {string.Join("; ", reports.Select(r => r.ToString()))}");
        }

        var quarantine = await app.Client.GetFromJsonAsync<JsonElement>("api/operations/quarantine", cancellationToken);
        if (quarantine.GetProperty("items").GetArrayLength() != 0)
        {
            throw new InvalidOperationException($"The pull quarantined approvals: {quarantine}");
        }

        var listing = await app.Client.GetFromJsonAsync<JsonElement>("api/approvals?pageSize=1", cancellationToken);
        if (listing.GetProperty("items").GetArrayLength() != 1)
        {
            throw new InvalidOperationException($"The approval listing is empty after the pull: {listing}");
        }
    }

    /// <summary>A logged value as text, whether the console wrote it as a JSON number, boolean or string.</summary>
    private static string? Field(JsonElement state, string name) =>
        !state.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.GetRawText();

    private sealed record RunFacts(int Pages, TimeSpan StartUp, TimeSpan Elapsed, TimeSpan CpuPerApproval);
}
