using Microsoft.Extensions.Time.Testing;

namespace Integration.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells a test when the code under test arms a timer of a given
/// length (a retry's pause, an attempt's timeout), so the test moves time only once the wait is in place.
/// </summary>
public sealed class VirtualClock : FakeTimeProvider
{
    /// <summary>A Thursday morning in Weihai, off the whole second so that no schedule's delay equals a test's.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 19, 9, 0, 0, 250, TimeSpan.FromHours(8));

    private readonly Lock gate = new();
    private readonly List<(TimeSpan Due, TaskCompletionSource Armed)> watches = [];

    public VirtualClock()
        : base(DefaultStart)
    {
    }

    /// <summary>Completes when a timer is next armed to fire after exactly <paramref name="due"/>; call before the action that arms it.</summary>
    public Task NextTimer(TimeSpan due)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            watches.Add((due, armed));
        }

        return armed.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Armed(dueTime);
        return timer;
    }

    private void Armed(TimeSpan due)
    {
        lock (gate)
        {
            foreach (var watch in watches.Where(w => w.Due == due).ToArray())
            {
                watches.Remove(watch);
                watch.Armed.TrySetResult();
            }
        }
    }

    // Pooled cancellation sources (Polly's timeouts) create their timer unarmed and arm it with Change.
    private sealed class ObservedTimer(ITimer inner, VirtualClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Armed(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
