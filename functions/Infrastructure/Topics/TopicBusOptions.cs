namespace Integration.Functions.Infrastructure.Topics;

public sealed class TopicBusOptions
{
    /// <summary>How long an idle subscription waits before polling again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a running handler keeps its lock renewed, as the Functions host does by default.</summary>
    public TimeSpan MaxAutoLockRenewalDuration { get; set; } = TimeSpan.FromMinutes(5);
}
