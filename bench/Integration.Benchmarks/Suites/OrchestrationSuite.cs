using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Benchmarks.Harness;
using Integration.Functions.Platform.Orchestrations;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// The Durable Task engine as the app runs it locally: the function app in its own process, its task hub in a local
/// Azurite (in memory), and the operator's <c>platform-probe</c> driven over HTTP: start, acknowledge at once, poll until
/// completed. A probe is four orchestrator episodes, three activities (one writes to the embedded store), a durable
/// timer raced against an event, and a sub-orchestration with its own activity.
/// </summary>
internal sealed class OrchestrationSuite : IBenchmarkSuite
{
    private const int Concurrency = 10;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public string Name => "orchestrations";

    public string Description => "platform-probe start to completion on the function app (its own process), task hub on Azurite (needs Node.js)";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var root = RepositoryRoot.Find();
        using var azurite = await AzuriteProcess.StartAsync(new AzuriteStart(AzuriteProcess.PackageFolderIn(root), AzuriteServices.BlobQueueTable), cancellationToken);
        var appFolder = FunctionAppProcess.AppFolder(root);
        using var scratch = Scratch.Create(run.Options.DataRoot, "orchestrations");
        using var app = FunctionAppProcess.Start(appFolder, Loopback.FreePort(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage:DataPath"] = scratch.Path,
            ["Connectors:ApprovalSystem:BaseUrl"] = "",
            ["Durable:StorageConnectionString"] = azurite.ConnectionString,
            ["Durable:TaskHub"] = "bench",
        });
        await app.WaitHealthyAsync(Patience, cancellationToken);
        run.Log.WriteLine($"  Azurite {azurite.Version} (blob, queue, table; in memory), function app pid {app.Process.Id}");

        var serial = new List<TimeSpan>();
        var next = 0;
        await run.MeasureAsync(Name, new Workload("probe start to completion, one at a time", "orchestrations/s", 20, 3, async (count, clock, ct) =>
        {
            serial.Clear();
            clock.Start();
            for (var i = 0; i < count; i++)
            {
                serial.Add(await ProbeAsync(app, $"serial-{Interlocked.Increment(ref next)}", ct));
            }

            clock.Stop();
            clock.RecordServerPeak(app.PeakResidentBytes());
            return count;
        }) { Server = app.Process }, cancellationToken);
        run.Log.WriteLine(Latencies("one at a time", serial));

        var parallel = new List<TimeSpan>();
        await run.MeasureAsync(Name, new Workload($"probes {Concurrency} at a time", "orchestrations/s", 100, 10, async (count, clock, ct) =>
        {
            parallel.Clear();
            using var gate = new SemaphoreSlim(Concurrency);
            clock.Start();
            var probes = Enumerable.Range(0, count).Select(async _ =>
            {
                await gate.WaitAsync(ct);
                try
                {
                    var latency = await ProbeAsync(app, $"parallel-{Interlocked.Increment(ref next)}", ct);
                    lock (parallel)
                    {
                        parallel.Add(latency);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }).ToArray();
            await Task.WhenAll(probes);
            clock.Stop();
            clock.RecordServerPeak(app.PeakResidentBytes());
            return count;
        }) { Server = app.Process }, cancellationToken);
        run.Log.WriteLine(Latencies($"{Concurrency} at a time", parallel));
    }

    private static async Task<TimeSpan> ProbeAsync(FunctionAppProcess app, string instanceId, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        (await app.Client.PostAsJsonAsync("api/operations/orchestrations/probe", new { instanceId, waitSeconds = 600 }, ct)).EnsureSuccessStatusCode();
        var acknowledged = false;
        while (watch.Elapsed < Patience)
        {
            var detail = await app.Client.GetFromJsonAsync<JsonElement>($"api/operations/orchestrations/{instanceId}", ct);
            var status = detail.GetProperty("status").GetString();
            if (!acknowledged && status == "Running")
            {
                // As an operator would: once the probe runs. An event sent while the instance is still Pending can be
                // dropped by the provider when it is dequeued before the start message.
                (await app.Client.PostAsJsonAsync($"api/operations/orchestrations/{instanceId}/events/probe-ack", new { by = "bench" }, ct)).EnsureSuccessStatusCode();
                acknowledged = true;
            }

            switch (status)
            {
                case "Completed":
                    return watch.Elapsed;
                case "Failed" or "Terminated":
                    throw new InvalidOperationException($"{instanceId} ended {detail.GetProperty("status").GetString()}: {detail}");
            }

            await Task.Delay(PollInterval, ct);
        }

        throw new TimeoutException($"{instanceId} did not complete within {Patience}.\n{app.Output()}");
    }

    private static string Latencies(string label, List<TimeSpan> latencies)
    {
        var sorted = latencies.Select(l => l.TotalMilliseconds).Order().ToArray();
        if (sorted.Length == 0)
        {
            return $"    latency ({label}): no runs";
        }

        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"    start-to-complete latency ({label}, last run, {sorted.Length} probes): median {At(0.5):F0} ms, p95 {At(0.95):F0} ms, max {sorted[^1]:F0} ms");
    }
}
