using System.ComponentModel.DataAnnotations;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>Whether this process runs the Durable Task engine.</summary>
public enum DurableEngineMode
{
    /// <summary>The sidecar over the Azure Storage provider, and a worker and client connected to it (the default).</summary>
    Local,

    /// <summary>No engine: orchestration endpoints answer 503. For test hosts that do not exercise orchestrations.</summary>
    Off,
}

/// <summary>The <c>Durable</c> section: the task hub, its storage and the engine's timings.</summary>
public sealed class DurableOptions
{
    public const string Section = "Durable";

    private const string Key = Section + ":";

    public DurableEngineMode Engine { get; set; } = DurableEngineMode.Local;

    /// <summary>The task hub's name: 3–45 letters and digits, starting with a letter (it prefixes queues, tables and containers).</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = Key + nameof(TaskHub) + " must be 3 to 45 letters and digits, starting with a letter.")]
    public string TaskHub { get; set; } = "integration";

    /// <summary>
    /// Azure Storage connection string of the task hub. When empty, <c>Storage:ConnectionString</c> is used; when that is
    /// empty too, the app starts the pinned Azurite with its data under <see cref="AzuriteDataPath"/>.
    /// </summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Where the app's own Azurite keeps its files, relative to the content root.</summary>
    public string AzuriteDataPath { get; set; } = "data/azurite";

    /// <summary>
    /// How long a dequeued activity stays invisible. An activity cut short by a crash is run again once this passes, so it
    /// bounds the delay of that retry (the provider's default is 5 minutes). Longer activities keep their message by renewal.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(WorkItemVisibilityTimeout) + " must be from {1} to {2}.")]
    public TimeSpan WorkItemVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest pause between polls of an idle queue (the provider's default is 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Control-queue partitions; more let several instances share orchestrations, at the cost of more polling.</summary>
    [Range(1, 16, ErrorMessage = Key + nameof(PartitionCount) + " must be from {1} to {2}.")]
    public int PartitionCount { get; set; } = 2;

    /// <summary>Loopback port of the sidecar's gRPC endpoint; 0 lets the sidecar's listener take a free one as it binds.</summary>
    public int SidecarPort { get; set; }

    /// <summary>Finished instances (completed, failed, terminated) created longer ago than this are purged by <c>orchestration-purge</c>.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(PurgeAfter) + " must be from {1} to {2}.")]
    public TimeSpan PurgeAfter { get; set; } = TimeSpan.FromDays(30);
}
