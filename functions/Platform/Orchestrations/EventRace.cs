using Microsoft.DurableTask;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>What a race between an external event and a durable timer came to.</summary>
/// <param name="EventWon">True when the event arrived before the timer fired.</param>
/// <param name="Value">The event's payload when it won.</param>
/// <param name="TimerCancelled">True when the timer was cancelled because the event won.</param>
public sealed record EventRace<T>(bool EventWon, T? Value, bool TimerCancelled);

public static class EventRaceExtensions
{
    /// <summary>
    /// Waits for <paramref name="eventName"/> until <paramref name="deadline"/> (a durable timer). When the event wins, the
    /// timer is cancelled, so the instance does not keep a pending timer it no longer needs; when the timer wins, the
    /// wait for the event is cancelled.
    /// </summary>
    public static async Task<EventRace<T>> WaitForEventOrTimerAsync<T>(this TaskOrchestrationContext context, string eventName, DateTime deadline)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var timerCancellation = new CancellationTokenSource();
        using var eventCancellation = new CancellationTokenSource();
        var timer = context.CreateTimer(deadline, timerCancellation.Token);
        var received = context.WaitForExternalEvent<T>(eventName, eventCancellation.Token);
        var winner = await Task.WhenAny(received, timer);
        if (winner == received)
        {
            timerCancellation.Cancel();
            return new EventRace<T>(true, await received, timer.IsCanceled);
        }

        eventCancellation.Cancel();
        return new EventRace<T>(false, default, false);
    }
}
