using System.Net;
using Integration.Functions.Approvals.Pull;
using Integration.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;
using static Integration.Tests.Approvals.PullHarness;

namespace Integration.Tests.Approvals;

/// <summary>The pull connector against a real HTTP feed on loopback that misbehaves at random (seeded, so every run sees the same failures).</summary>
[Trait("lane", "integration")]
public sealed class ApprovalPullTests
{
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
            Item(901).With("industry", "").With("version", 0),
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
        var quarantine = await platform.GetJsonAsync("admin", "/api/operations/quarantine");
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
    public async Task A_page_cut_off_after_some_of_its_records_were_stored_is_read_again_and_stores_only_the_rest()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 13);
        for (var i = 0; i < 14; i++)
        {
            feed.Put(Item(i), T0.AddMinutes(i));
        }

        feed.DownAfterPages = 1;
        using var platform = PullPlatform(feed);
        var first = await platform.Services.GetRequiredService<ApprovalPull>().RunAsync(Cancellation);
        Assert.Equal(7, first.Stored);

        // What a crash part-way through page two leaves: three of its records committed, the checkpoint still after page one.
        for (var i = 7; i < 10; i++)
        {
            await (await platform.PushAsync(Item(i))).ReadJsonAsync(HttpStatusCode.Created);
        }

        feed.DownAfterPages = null;
        var reports = await PullUntilCompleteAsync(platform);

        Assert.Equal(3, reports.Sum(r => r.Unchanged));
        Assert.Equal(4, reports.Sum(r => r.Stored));
        for (var i = 0; i < 14; i++)
        {
            Assert.Equal("1 received 1", await StoredAsync(platform, $"P-{i:D3}"));
        }
    }
}
