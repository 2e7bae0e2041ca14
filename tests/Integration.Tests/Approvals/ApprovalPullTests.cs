using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Functions.Approvals.Pull;
using Integration.Functions.Approvals.Sample;
using Integration.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Approvals;

/// <summary>The pull connector against a real HTTP feed on loopback that misbehaves at random (seeded, so every run sees the same failures).</summary>
public sealed class ApprovalPullTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 1, 8, 0, 0, TimeSpan.FromHours(8));

    private static PlatformFactory PullPlatform(ChaosFeedServer feed, string? dataPath = null, params (string Key, string Value)[] settings)
    {
        var platform = new PlatformFactory()
            .With("Connectors:ApprovalSystem:BaseUrl", feed.BaseUrl.ToString())
            .With("Connectors:ApprovalSystem:PageSize", "7")
            .With("Connectors:ApprovalSystem:AttemptTimeout", "00:00:00.250")
            .With("Connectors:ApprovalSystem:TotalTimeout", "00:00:20")
            .With("Connectors:ApprovalSystem:RetryDelay", "00:00:00.005")
            .With("Connectors:ApprovalSystem:MaxRetryDelay", "00:00:00.020")
            .With("Connectors:ApprovalSystem:MaxRetryAttempts", "4")
            .With("Connectors:ApprovalSystem:FailureRatio", "0.8")
            .With("Connectors:ApprovalSystem:MinimumThroughput", "20")
            .With("Connectors:ApprovalSystem:SamplingDuration", "00:00:05")
            .With("Connectors:ApprovalSystem:BreakDuration", "00:00:00.500")
            .With("Connectors:ApprovalSystem:RunOnStartup", "false")
            .With("Timers:Disabled:0", "approval-pull");
        if (dataPath is not null)
        {
            platform.With("Storage:DataPath", dataPath);
        }

        foreach (var (key, value) in settings)
        {
            platform.With(key, value);
        }

        return platform;
    }

    private static async Task<IReadOnlyList<PullReport>> PullUntilCompleteAsync(PlatformFactory platform)
    {
        var pull = platform.Services.GetRequiredService<ApprovalPull>();
        var reports = new List<PullReport>();
        for (var run = 0; run < 40; run++)
        {
            var report = await pull.RunAsync(Cancellation);
            reports.Add(report);
            if (report.Completed)
            {
                return reports;
            }

            // A failed run leaves the rest to the next timer occurrence; an open circuit needs its break to pass.
            await Task.Delay(150, Cancellation);
        }

        Assert.Fail("The pull did not complete in 40 runs: " + string.Join("; ", reports.Select(r => r.Error)));
        return reports;
    }

    /// <summary>The versions stored and how often the approval was received, read through the API: "1,2 received 1".</summary>
    private static async Task<string> StoredAsync(PlatformFactory platform, string id)
    {
        var detail = await platform.GetJsonAsync("admin", $"/api/approvals/{id}");
        var versions = string.Join(',', detail.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt64()));
        return $"{versions} received {detail.HistoryActions().Count(a => a == "approval.received")}";
    }

    private static async Task<int> CountAllAsync(PlatformFactory platform)
    {
        var count = 0;
        string? token = null;
        do
        {
            var body = await platform.GetJsonAsync("admin", "/api/approvals?pageSize=200" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token)));
            count += body.GetProperty("items").GetArrayLength();
            token = body.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);

        return count;
    }

    private static JsonObject Item(int i) =>
        Valid($"P-{i:D3}", industry: i % 9 == 0 ? "energy" : i % 4 == 0 ? "water" : "housing-construction", scope: i % 5 == 0 ? ["construction", "equipment"] : []);

    [Fact]
    public async Task Every_valid_record_lands_exactly_once_through_errors_throttling_timeouts_and_malformed_pages()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 20260213);
        const int count = 90;
        for (var i = 0; i < count; i++)
        {
            feed.Put(Item(i), T0.AddMinutes(i / 3)); // three records per instant, so instants straddle pages
        }

        var invalid = new[]
        {
            Item(900).With("regionCode", "410821"),
            Item(901).With("industry", "mining").With("version", 0),
            Item(902).With("approvedAt", "soon"),
            Item(903).With("approvalId", "bad/id"),
            Item(904).With("investment", -5),
        };
        for (var i = 0; i < invalid.Length; i++)
        {
            feed.Put(invalid[i], T0.AddMinutes(i * 5));
        }

        // Each kind of failure at least once, then at random.
        feed.Script("500", "429", "hang", "page", "malformed");
        feed.Chaos = new Chaos(ServerErrors: 0.12, Throttled: 0.08, Hangs: 0.04, Malformed: 0.06);
        using var platform = PullPlatform(feed);

        var reports = await PullUntilCompleteAsync(platform);

        Assert.Equal(count, reports.Sum(r => r.Stored));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal("1 received 1", await StoredAsync(platform, $"P-{i:D3}"));
        }

        Assert.Equal(count, await CountAllAsync(platform));
        var quarantine = await platform.GetJsonAsync("admin", "/api/admin/quarantine");
        var reasons = quarantine.GetProperty("items").EnumerateArray()
            .ToDictionary(q => q.GetProperty("approvalId").GetString() ?? "", q => q.GetProperty("reasons").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["regionCode"], reasons["P-900"]);
        Assert.Equal(["industry", "version"], reasons["P-901"]);
        Assert.Equal(["approvedAt"], reasons["P-902"]);
        Assert.Equal(["approvalId"], reasons["bad/id"]);
        Assert.Equal(["investment"], reasons["P-904"]);
        Assert.All(["500", "429", "hang", "malformed"], answer => Assert.True(feed.Answers.GetValueOrDefault(answer) > 0, $"the feed never answered {answer}"));

        // Next sweep: new versions, new approvals, and the last instant served again.
        var t1 = T0.AddHours(5);
        for (var i = 0; i < 10; i++)
        {
            feed.Put(Item(i).With("version", 2).With("investment", 1_000 + i), t1.AddMinutes(i / 2));
        }

        for (var i = count; i < count + 5; i++)
        {
            feed.Put(Item(i), t1.AddMinutes(10));
        }

        reports = await PullUntilCompleteAsync(platform);
        Assert.Equal(15, reports.Sum(r => r.Stored));
        Assert.Equal("1,2 received 1", await StoredAsync(platform, "P-003"));
        Assert.Equal("1 received 1", await StoredAsync(platform, $"P-{count + 4:D3}"));
        Assert.Equal("1 received 1", await StoredAsync(platform, "P-050"));

        // The source serves an old version again: it never overwrites the newer one.
        feed.Put(Item(3), t1.AddHours(1));
        reports = await PullUntilCompleteAsync(platform);
        Assert.Equal(0, reports.Sum(r => r.Stored));
        Assert.Equal(1, reports.Sum(r => r.Unchanged));
        var detail = await platform.GetJsonAsync("admin", "/api/approvals/P-003");
        Assert.Equal(2, detail.GetProperty("version").GetInt64());
        Assert.Equal(count + 5, await CountAllAsync(platform));
    }

    [Fact]
    public async Task The_checkpoint_survives_a_restart_and_the_new_instance_goes_on_from_it()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 7);
        const int count = 40;
        for (var i = 0; i < count; i++)
        {
            feed.Put(Item(i), T0.AddMinutes(i / 2));
        }

        var folder = Path.Combine(Path.GetTempPath(), "integration-tests", "pull-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            feed.DownAfterPages = 3;
            PullCheckpoint saved;
            using (var first = PullPlatform(feed, folder))
            {
                var report = await first.Services.GetRequiredService<ApprovalPull>().RunAsync(Cancellation);
                Assert.False(report.Completed);
                Assert.Equal(3, report.Pages);
                Assert.Equal(21, report.Stored);
                saved = await first.Services.GetRequiredService<PullCheckpoints>().LoadAsync(ApprovalPull.Connector, Cancellation);
            }

            Assert.Equal("P-020", saved.Position?.ApprovalId);
            Assert.NotNull(saved.PageToken);
            var before = feed.Requests.Count;
            feed.DownAfterPages = null;

            using var second = PullPlatform(feed, folder);
            var reports = await PullUntilCompleteAsync(second);

            Assert.Contains("pageToken=" + saved.PageToken, feed.Requests[before], StringComparison.Ordinal);
            Assert.Equal(count - 21, reports.Sum(r => r.Stored));
            Assert.Equal(0, reports.Sum(r => r.Unchanged));
            for (var i = 0; i < count; i++)
            {
                Assert.Equal("1 received 1", await StoredAsync(second, $"P-{i:D3}"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Left to the OS's temp cleanup.
            }
        }
    }

    [Fact]
    public async Task A_page_token_the_source_no_longer_knows_restarts_the_sweep_from_the_position()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 11);
        for (var i = 0; i < 10; i++)
        {
            feed.Put(Item(i), T0.AddMinutes(i));
        }

        using var platform = PullPlatform(feed);
        var checkpoints = platform.Services.GetRequiredService<PullCheckpoints>();
        await checkpoints.SaveAsync(ApprovalPull.Connector, PullCheckpoint.Empty with { SweepSince = T0, PageToken = "Zm9yZ290dGVu" }, Cancellation);

        var reports = await PullUntilCompleteAsync(platform);

        Assert.Equal(10, reports.Sum(r => r.Stored));
        Assert.Contains("pageToken=Zm9yZ290dGVu", feed.Requests[0], StringComparison.Ordinal);
        Assert.DoesNotContain("pageToken", feed.Requests[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_pause_its_Retry_After_asks_for()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 3);
        feed.Put(Item(1), T0);
        feed.ThrottleNext = 1;
        feed.RetryAfterSeconds = 1;
        using var platform = PullPlatform(feed);
        var pull = platform.Services.GetRequiredService<ApprovalPull>();

        var watch = Stopwatch.StartNew();
        var report = await pull.RunAsync(Cancellation);

        Assert.True(report.Completed, report.Error);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {watch.Elapsed}");
        Assert.Equal(2, feed.Requests.Count);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_a_run_waits_ends_the_run_for_the_next_one()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 5);
        feed.Put(Item(1), T0);
        feed.ThrottleNext = 1;
        feed.RetryAfterSeconds = 3600;
        using var platform = PullPlatform(feed);

        var report = await platform.Services.GetRequiredService<ApprovalPull>().RunAsync(Cancellation);

        Assert.False(report.Completed);
        Assert.Contains("429", report.Error, StringComparison.Ordinal);
        Assert.Single(feed.Requests);
        Assert.True((await platform.Services.GetRequiredService<ApprovalPull>().RunAsync(Cancellation)).Completed);
    }

    [Fact]
    public async Task A_feed_that_keeps_failing_opens_the_circuit_and_later_runs_fail_fast()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 9);
        feed.Put(Item(1), T0);
        feed.DownAfterPages = 0;
        using var platform = PullPlatform(feed, null,
            ("Connectors:ApprovalSystem:MinimumThroughput", "4"), ("Connectors:ApprovalSystem:BreakDuration", "00:01:00"));
        var pull = platform.Services.GetRequiredService<ApprovalPull>();

        var first = await pull.RunAsync(Cancellation);
        var calls = feed.Requests.Count;
        var second = await pull.RunAsync(Cancellation);

        Assert.False(first.Completed);
        Assert.InRange(calls, 2, 4); // the breaker opened before the run used its five attempts
        Assert.False(second.Completed);
        Assert.Contains("circuit", second.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(calls, feed.Requests.Count);
    }

    [Fact]
    public async Task The_Development_sample_feed_pulls_into_a_working_flow()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 1);
        foreach (var entry in SampleApprovalFeed.Entries)
        {
            feed.Put((JsonObject)entry.Item.DeepClone(), entry.UpdatedAt);
        }

        using var platform = PullPlatform(feed);
        var reports = await PullUntilCompleteAsync(platform);

        Assert.Equal(SampleApprovalFeed.Entries.Count - 1, reports.Sum(r => r.Stored));
        Assert.Equal(1, reports.Sum(r => r.Quarantined));
        var quarantined = Assert.Single((await platform.GetJsonAsync("admin", "/api/admin/quarantine")).GetProperty("items").EnumerateArray());
        Assert.Equal(["owner.creditCode"], quarantined.GetProperty("reasons").EnumerateObject().Select(r => r.Name).ToArray());

        var coordinator = await platform.GetJsonAsync("ndrc", "/api/approvals?department=ndrc");
        Assert.Equal(3, coordinator.GetProperty("items").GetArrayLength());
        var housing = await platform.GetJsonAsync("housing", "/api/approvals?pageSize=200");
        Assert.True(housing.GetProperty("items").GetArrayLength() >= 10);
        var shared = await platform.GetJsonAsync("industry", "/api/approvals?pageSize=200");
        Assert.Contains(shared.GetProperty("items").EnumerateArray(), i => i.GetProperty("claims").GetArrayLength() == 2);

        var secondVersion = await platform.GetJsonAsync("admin", "/api/approvals/WHSP-2026-000032");
        Assert.Equal(2, secondVersion.GetProperty("version").GetInt64());
        Assert.Equal("pull", secondVersion.GetProperty("versions")[0].GetProperty("via").GetString());
    }

    [Fact]
    public async Task The_sample_feed_is_served_in_Development_under_the_contract()
    {
        using var platform = new PlatformFactory();
        var client = platform.CreateClient();
        var seen = 0;
        string? token = null;
        do
        {
            var body = await (await client.GetAsync(
                "/sample/approval-system/approvals?updatedSince=2020-01-01T00:00:00Z&pageSize=10" + (token is null ? "" : "&pageToken=" + token), Cancellation)).ReadJsonAsync();
            seen += body.GetProperty("items").GetArrayLength();
            token = body.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);

        Assert.Equal(SampleApprovalFeed.Entries.Count, seen);
        Assert.InRange(seen, 30, 40);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/sample/approval-system/approvals", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task The_sample_feed_is_not_served_outside_Development()
    {
        using var platform = new PlatformFactory("Production");
        var response = await platform.CreateClient().GetAsync("/sample/approval-system/approvals?updatedSince=2020-01-01T00:00:00Z", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
