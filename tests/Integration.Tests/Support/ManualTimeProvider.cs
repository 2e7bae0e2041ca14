namespace Integration.Tests.Support;

/// <summary>
/// A clock that moves only when a test moves it. Timers are left to the base class, so delays still take
/// real time while every timestamp the code under test records comes from this clock.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock gate = new();
    private DateTimeOffset now = start;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public void SetUtcNow(DateTimeOffset instant)
    {
        lock (gate)
        {
            now = instant;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (gate)
        {
            now += by;
        }
    }
}
