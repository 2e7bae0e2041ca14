using Integration.Functions.Platform.Records;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Support;

/// <summary>Deadlines fired by the test, at the time of the test's clock, rather than by the sweep timer.</summary>
public static class DeadlineSweeps
{
    public const string Timer = "deadline-sweep";

    /// <summary>Turns the sweep timer off, so the test's own sweeps are the only ones and their effects are complete when they return.</summary>
    public static PlatformFactory WithDeadlinesSweptByTest(this PlatformFactory platform, int disabledTimerIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return platform.With($"Timers:Disabled:{disabledTimerIndex}", Timer);
    }

    /// <summary>One sweep at the clock's current time, as the timer would run it.</summary>
    public static Task<DeadlineSweepResult> SweepDeadlinesAsync(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredService<DeadlineSweep>().RunAsync(TestContext.Current.CancellationToken);
    }

    public static Task<DeadlineSweepResult> SweepDeadlinesAsync(this PlatformFactory platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return platform.Services.SweepDeadlinesAsync();
    }
}
