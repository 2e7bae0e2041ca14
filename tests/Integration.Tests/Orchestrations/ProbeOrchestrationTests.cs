using Integration.Domain.Storage;
using Integration.Functions.Calendar;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Operations.Probe;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Orchestrations;
using Integration.Tests.Support;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Orchestrations;

/// <summary>
/// The probe's logic in the in-process test host (in-memory task hub, real worker over gRPC). Its timers run on the
/// wall clock, so the waits here are seconds at most.
/// </summary>
[Trait("lane", "integration")]
public sealed class ProbeOrchestrationTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string dataPath = Path.Combine(Path.GetTempPath(), "integration-tests", "probe-" + Guid.NewGuid().ToString("N"));
    private DurableTaskTestHost host = null!;

    private ITableStore Store => host.Services.GetRequiredService<ITableStore>();

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(dataPath);
        host = await DurableTaskTestHost.StartAsync(
            registry =>
            {
                FunctionIndex.ForApp.AddTasksTo(registry);
                registry.AddOrchestrator<TimerRaceProbe>();
            },
            new DurableTaskTestHostOptions
            {
                ConfigureServices = services =>
                {
                    services.AddSingleton(TimeProvider.System);
                    services.AddSingleton(new CalendarSource(TestCalendar.DataFile));
                    services.AddSingleton(new SqliteDatabase(Path.Combine(dataPath, "probe.db")));
                    services.AddSingleton<ITableStore, SqliteTableStore>();
                },
            },
            TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task An_acknowledged_probe_counts_its_deadline_on_the_calendar_cancels_its_timer_applies_its_effect_once_and_runs_its_child()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(PlatformProbe.Name, new ProbeInput(WorkingDays: 3, WaitSeconds: 3600), ct);
        await WaitForStepAsync(id, "waiting-for-acknowledgement", ct);
        await host.Client.RaiseEventAsync(id, PlatformProbe.AcknowledgeEvent, new ProbeAcknowledgement("operator"), ct);

        var result = await CompletedAsync(id, ct);

        Assert.True(result.Acknowledged);
        Assert.Equal("operator", result.AcknowledgedBy);
        Assert.True(result.TimerCancelled);
        Assert.Equal(ProbeEffectActivity.Applied, result.Effect);
        Assert.Equal($"echo:{id}", result.Echo);
        var started = (await host.Client.GetInstanceAsync(id, ct))!.CreatedAt;
        var expected = TestCalendar.Instance.AddWorkingDays(started, 3);
        Assert.Equal(expected.DueAt, result.Deadline);
        Assert.Equal(expected.Deadline, result.DeadlineDay);

        var effects = await RowsAsync(id);
        Assert.Single(effects, e => e.RowKey == "effect");
        Assert.Single(effects, e => e.GetString("outcome") == ProbeEffectActivity.Applied);
    }

    [Fact]
    public async Task A_probe_nobody_acknowledges_goes_on_when_its_durable_timer_fires()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(PlatformProbe.Name, new ProbeInput(WorkingDays: 1, WaitSeconds: 2), ct);

        var result = await CompletedAsync(id, ct);

        Assert.False(result.Acknowledged);
        Assert.False(result.TimerCancelled);
        Assert.Equal(ProbeEffectActivity.Applied, result.Effect);
    }

    [Fact]
    public async Task The_effect_run_again_for_the_same_instance_is_not_applied_again()
    {
        var activity = new ProbeEffectActivity(Store, TimeProvider.System);
        var input = new ProbeEffectInput("probe-twice", 0);

        Assert.Equal(ProbeEffectActivity.Applied, await activity.RunAsync(null!, input));
        Assert.Equal(ProbeEffectActivity.AlreadyApplied, await activity.RunAsync(null!, input));

        var rows = await RowsAsync("probe-twice");
        Assert.Single(rows, e => e.RowKey == "effect");
        Assert.Equal(2, rows.Count(e => e.RowKey.StartsWith("attempt-", StringComparison.Ordinal)));
        Assert.Single(rows, e => e.GetString("outcome") == ProbeEffectActivity.Applied);
    }

    [Fact]
    public async Task When_the_event_wins_the_race_the_timer_is_cancelled_and_the_instance_does_not_wait_for_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TimerRaceProbe), ct);
        await host.Client.WaitForInstanceStartAsync(id, ct);
        await host.Client.RaiseEventAsync(id, "go", "now", ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Patience);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("True:now:True", done.ReadOutputAs<string>());
    }

    private async Task<ProbeResult> CompletedAsync(string id, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Patience);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
        return done.ReadOutputAs<ProbeResult>()!;
    }

    private async Task WaitForStepAsync(string id, string step, CancellationToken ct)
    {
        await Eventually.WaitUntilAsync(
            async () => (await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, ct))?.ReadCustomStatusAs<ProbeStatus>()?.Step == step,
            Patience,
            $"{id} reached step {step}",
            ct);
    }

    private async Task<IReadOnlyList<TableEntity>> RowsAsync(string partition) =>
        (await Store.QueryAsync(ProbeEffectActivity.Table, TableQuery.Partition(partition))).Entities;

    /// <summary>An hour-long timer raced against an event: completes at once only if the helper cancels the timer.</summary>
    private sealed class TimerRaceProbe : TaskOrchestrator<object?, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        {
            var race = await context.WaitForEventOrTimerAsync<string>("go", context.CurrentUtcDateTime.AddHours(1));
            return $"{race.EventWon}:{race.Value}:{race.TimerCancelled}";
        }
    }
}
