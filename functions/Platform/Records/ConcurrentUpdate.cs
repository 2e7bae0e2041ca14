namespace Integration.Functions.Platform.Records;

/// <summary>
/// A record changed under every attempt to update it: so many writers at once that this one kept
/// losing the race. Nothing of this request was committed; the caller should read the record again
/// and send the command again if it still applies (HTTP 409, <c>concurrent-update</c>).
/// </summary>
public sealed class ConcurrentUpdateException(RecordKey key, int attempts, Exception inner)
    : Exception($"{key} changed under each of {attempts} attempts to update it.", inner)
{
    public RecordKey Key { get; } = key;

    public int Attempts { get; } = attempts;
}

/// <summary>
/// How long a writer that lost an ETag race waits before reading again: exponential with full jitter,
/// so writers that collided do not collide again in lockstep.
/// </summary>
internal static class ConcurrentUpdateBackoff
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(4);
    private static readonly TimeSpan Cap = TimeSpan.FromMilliseconds(250);

    public static TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(Cap.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)));
#pragma warning disable CA5394 // Jitter, not security: a predictable value harms nothing.
        return TimeSpan.FromMilliseconds(1 + (Random.Shared.NextDouble() * ceiling));
#pragma warning restore CA5394
    }
}
