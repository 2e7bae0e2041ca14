using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Platform.Timers;
using Integration.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Integration.Tests.Platform.Timers;

/// <summary>Timer functions on a real embedded store, with a clock the test moves.</summary>
[Trait("lane", "integration")]
public sealed class TimerSchedulerTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("timers-").FullName;
    private readonly ManualTimeProvider clock = new(new DateTimeOffset(2026, 2, 12, 1, 0, 30, TimeSpan.Zero)); // 09:00:30 in Shanghai
    private readonly List<(string Instance, TimerInfo Info)> runs = [];
    private readonly ITableStore store;

    public TimerSchedulerTests() => store = new SqliteTableStore(new SqliteDatabase(Path.Combine(folder, "timers.db")), clock);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_start_schedules_without_running_then_each_occurrence_runs_once()
    {
        var scheduler = Scheduler("a");
        var wake = await scheduler.FireDueAsync(Ct);
        Assert.Empty(runs);
        Assert.Equal(new DateTimeOffset(2026, 2, 12, 1, 1, 0, TimeSpan.Zero), wake);

        clock.SetUtcNow(wake);
        await scheduler.FireDueAsync(Ct);
        await scheduler.FireDueAsync(Ct);
        var run = Assert.Single(runs);
        Assert.False(run.Info.IsPastDue);
        Assert.Equal(wake.AddMinutes(1).UtcDateTime, run.Info.ScheduleStatus!.Next);
    }

    [Fact]
    public async Task Several_instances_fire_each_occurrence_once_between_them()
    {
        var instances = new[] { Scheduler("a"), Scheduler("b"), Scheduler("c") };
        await instances[0].FireDueAsync(Ct);
        for (var minute = 1; minute <= 5; minute++)
        {
            clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 1, minute, 0, TimeSpan.Zero));
            await Task.WhenAll(instances.Select(i => i.FireDueAsync(Ct)));
        }

        Assert.Equal(5, runs.Count);
        Assert.Equal(5, runs.Select(r => r.Info.ScheduleStatus!.Next).Distinct().Count());
    }

    [Fact]
    public async Task Occurrences_missed_while_down_run_once_reported_past_due()
    {
        await Scheduler("before").FireDueAsync(Ct);
        clock.Advance(TimeSpan.FromHours(3)); // the app was down for three hours

        var restarted = Scheduler("after");
        await restarted.FireDueAsync(Ct);
        var run = Assert.Single(runs);
        Assert.True(run.Info.IsPastDue);
        Assert.Equal(new DateTime(2026, 2, 12, 4, 1, 0, DateTimeKind.Utc), run.Info.ScheduleStatus!.Next); // run for the latest missed minute, 04:00

        clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 4, 1, 0, TimeSpan.Zero));
        await restarted.FireDueAsync(Ct);
        Assert.False(runs[^1].Info.IsPastDue);
    }

    [Fact]
    public async Task A_failing_run_is_logged_and_the_schedule_goes_on()
    {
        var scheduler = Scheduler("a", fail: true);
        await scheduler.FireDueAsync(Ct);
        clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 1, 1, 0, TimeSpan.Zero));
        await scheduler.FireDueAsync(Ct);
        clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 1, 2, 0, TimeSpan.Zero));
        await scheduler.FireDueAsync(Ct);
        Assert.Equal(2, runs.Count);
    }

    [Fact]
    public void A_schedule_can_come_from_a_setting_and_a_bad_one_stops_start_up()
    {
        TimerFunction[] catalogue = [new("report", "%Reports:Schedule%", (_, _, _) => Task.CompletedTask)];
        Assert.Equal("0 0 9 1 1,4,7,10 *", Build(catalogue, new() { ["Reports:Schedule"] = "0 0 9 1 1,4,7,10 *" }).Timers.Single().Schedule.Expression);

        var e = Assert.Throws<InvalidOperationException>(() => Build(catalogue, new() { ["Reports:Schedule"] = "0 9 * * *" }));
        Assert.Contains("Timer function 'report'", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Build(catalogue, []));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private TimerScheduler Scheduler(string instance, bool fail = false)
    {
        TimerFunction everyMinute = new("every-minute", "0 * * * * *", (info, _, _) =>
        {
            lock (runs)
            {
                runs.Add((instance, info));
            }

            return fail ? throw new InvalidOperationException("boom") : Task.CompletedTask;
        });
        return Build([everyMinute], []);
    }

    private TimerScheduler Build(IEnumerable<TimerFunction> functions, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new(
            functions,
            configuration,
            Options.Create(configuration.GetSection(TimerOptions.Section).Get<TimerOptions>() ?? new TimerOptions()),
            store,
            clock,
            new ServiceCollection().BuildServiceProvider(),
            NullLogger<TimerScheduler>.Instance);
    }
}
