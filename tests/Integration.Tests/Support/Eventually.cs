using System.Diagnostics;

namespace Integration.Tests.Support;

/// <summary>
/// The one way a test waits for something to happen: it asks for the condition until it holds, and fails, saying what it
/// waited for, at a cap generous enough for a loaded machine. A test never sleeps for a guessed time instead.
/// </summary>
public static class Eventually
{
    /// <summary>The cap for work that takes a fraction of a second on an idle machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Short, so that a condition that holds is seen at once; the cap, not the interval, absorbs a slow machine.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan cap, string what, CancellationToken ct = default) =>
        WaitUntilAsync(condition, cap, what, lastSeen: null, ct);

    /// <param name="lastSeen">What the condition saw last, for the failure message.</param>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan cap, string what, Func<string>? lastSeen, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > cap)
            {
                Assert.Fail($"Waited {cap.TotalSeconds:0.#} s until {what}, in vain" + (lastSeen is null ? "." : $" (last seen: {lastSeen()})."));
            }

            await Task.Delay(Interval, ct);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan cap, string what, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WaitUntilAsync(() => Task.FromResult(condition()), cap, what, ct);
    }
}
