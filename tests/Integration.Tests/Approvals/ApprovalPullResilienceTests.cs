using System.Diagnostics;
using Integration.Functions.Approvals.Pull;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;
using static Integration.Tests.Approvals.PullHarness;

namespace Integration.Tests.Approvals;

/// <summary>How the pull connector behaves when the feed throttles, refuses a token or keeps failing.</summary>
public sealed class ApprovalPullResilienceTests
{
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
}
