using Integration.Functions.Approvals.Pull;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;
using static Integration.Tests.Approvals.PullHarness;

namespace Integration.Tests.Approvals;

/// <summary>How the pull connector behaves when the feed throttles, refuses a token or keeps failing.</summary>
[Trait("lane", "integration")]
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
    public async Task A_429_is_retried_only_once_the_pause_its_Retry_After_asks_for_has_passed()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 3);
        feed.Put(Item(1), T0);
        feed.ThrottleNext = 1;
        feed.RetryAfterSeconds = 37;
        var clock = new VirtualClock();
        using var platform = VirtualTimePlatform(feed, clock);
        var pull = platform.Services.GetRequiredService<ApprovalPull>();

        var pause = clock.NextTimer(TimeSpan.FromSeconds(37));
        var run = pull.RunAsync(Cancellation);
        PullReport report;
        try
        {
            await WithinAsync(pause, "the pipeline never paused for the 37 s the 429 asked for");
            clock.Advance(TimeSpan.FromSeconds(37) - TimeSpan.FromMilliseconds(1));

            // Not a wait for something to happen but a window in which nothing may: no retry 1 ms early.
            await Task.Delay(200, Cancellation);
            Assert.Single(feed.Requests);
            Assert.False(run.IsCompleted);

            clock.Advance(TimeSpan.FromMilliseconds(1));
            report = await WithinAsync(run, "the retry did not follow the pause");
        }
        finally
        {
            await EndAsync(run, clock);
        }

        Assert.True(report.Completed, report.Error);
        Assert.Equal(2, feed.Requests.Count);
        Assert.Equal(1, report.Stored);
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
    public async Task A_feed_that_keeps_failing_opens_the_circuit_and_runs_fail_fast_until_the_break_has_passed()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 9);
        feed.Put(Item(1), T0);
        feed.DownAfterPages = 0;
        var clock = new VirtualClock();
        using var platform = VirtualTimePlatform(feed, clock,
            ("Connectors:ApprovalSystem:MinimumThroughput", "4"), ("Connectors:ApprovalSystem:BreakDuration", "00:01:00"));
        var pull = platform.Services.GetRequiredService<ApprovalPull>();

        var first = await pull.RunAsync(Cancellation);

        // Four 503s of four calls reach the failure ratio: the fifth attempt is refused by the open circuit.
        Assert.False(first.Completed);
        Assert.Equal(4, feed.Requests.Count);
        Assert.Contains("circuit", first.Error, StringComparison.OrdinalIgnoreCase);

        feed.DownAfterPages = null;
        clock.Advance(TimeSpan.FromSeconds(59));
        var during = await pull.RunAsync(Cancellation);
        Assert.False(during.Completed);
        Assert.Contains("circuit", during.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, feed.Requests.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await pull.RunAsync(Cancellation);
        Assert.True(after.Completed, after.Error);
        Assert.Equal(5, feed.Requests.Count);
        Assert.Equal(1, after.Stored);
    }

    [Fact]
    public async Task The_open_circuit_outlives_the_handlers_the_client_factory_rotates()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 10);
        feed.Put(Item(1), T0);
        feed.DownAfterPages = 0;
        var clock = new VirtualClock();
        var handlers = 0;
        using var platform = VirtualTimePlatform(feed, clock,
                ("Connectors:ApprovalSystem:MinimumThroughput", "4"), ("Connectors:ApprovalSystem:BreakDuration", "00:01:00"))
            .WithServices(services => services.AddHttpClient(ApprovalFeedClient.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() =>
                {
                    Interlocked.Increment(ref handlers);
                    return new SocketsHttpHandler();
                })
                .SetHandlerLifetime(TimeSpan.FromSeconds(1)));
        var pull = platform.Services.GetRequiredService<ApprovalPull>();

        var first = await pull.RunAsync(Cancellation);
        Assert.Contains("circuit", first.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, Volatile.Read(ref handlers));

        // The factory retires a handler chain after its lifetime, on the real clock, which no fake clock reaches: letting
        // that lifetime pass is the subject of the test, and the second run shows that a new chain was built.
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancellation);
        var second = await pull.RunAsync(Cancellation);

        Assert.True(Volatile.Read(ref handlers) >= 2, "the client factory did not build a new handler chain");
        Assert.False(second.Completed);
        Assert.Contains("circuit", second.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, feed.Requests.Count);
    }

    [Fact]
    public async Task An_attempt_that_hangs_is_cut_at_the_attempt_timeout_and_tried_again()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 12);
        feed.Put(Item(1), T0);
        feed.HangFor = TimeSpan.FromMinutes(2);
        feed.Script("hang", "page");
        var clock = new VirtualClock();
        using var platform = VirtualTimePlatform(feed, clock);
        var pull = platform.Services.GetRequiredService<ApprovalPull>();

        var attemptTimeout = clock.NextTimer(TimeSpan.FromSeconds(7));
        var run = pull.RunAsync(Cancellation);
        PullReport report;
        try
        {
            await WithinAsync(attemptTimeout, "no 7 s attempt timeout was armed");
            await Support.Eventually.WaitUntilAsync(() => feed.Answered("hang") == 1, Support.Eventually.Patience, "the feed started to hang", Cancellation);
            clock.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));

            // Not a wait for something to happen but a window in which nothing may: the attempt is not cut 1 ms early.
            await Task.Delay(200, Cancellation);
            Assert.Single(feed.Requests);

            clock.Advance(TimeSpan.FromMilliseconds(1));
            report = await WithinAsync(run, "the hanging attempt was not cut");
        }
        finally
        {
            await EndAsync(run, clock);
        }

        Assert.True(report.Completed, report.Error);
        Assert.Equal(2, feed.Requests.Count);
        Assert.Equal(1, report.Stored);
    }

    /// <summary>Real time allowed for what virtual time has already made due.</summary>
    private static async Task WithinAsync(Task task, string failure)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
        }
        catch (TimeoutException)
        {
            Assert.Fail(failure);
        }
    }

    private static async Task<T> WithinAsync<T>(Task<T> task, string failure)
    {
        await WithinAsync((Task)task, failure);
        return await task;
    }

    /// <summary>A run still waiting on virtual time when a test fails is timed out, so the platform can stop.</summary>
    private static async Task EndAsync(Task run, VirtualClock clock)
    {
        for (var i = 0; i < 10 && !run.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(3));
            // A cap on the wait for the run, which ends it early when the run completes; not a sleep.
            await Task.WhenAny(run, Task.Delay(500, Cancellation));
        }
    }
}
