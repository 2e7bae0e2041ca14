namespace Integration.Functions.Approvals;

/// <summary>The <c>Approvals</c> configuration section.</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Approvals";

    /// <summary>Working days a department has to claim an approval routed to it, counted from the push.</summary>
    public int ClaimWorkingDays { get; set; } = 2;

    /// <summary>The principal that pushes approvals and receives the feedback topic.</summary>
    public string SourceSystem { get; set; } = "approval-system";
}

/// <summary>
/// The <c>Connectors:ApprovalSystem</c> section: where and how often to pull the approval system's
/// feed, and how hard to try. No <see cref="BaseUrl"/> means no pull.
/// </summary>
public sealed class ApprovalSystemConnectorOptions
{
    public const string Section = "Connectors:ApprovalSystem";

    /// <summary>
    /// The feed's base address (the connector calls <c>{BaseUrl}/approvals</c>). A path starting with
    /// '/' is on this app itself, which is how the Development sample feed is reached whatever port it listens on.
    /// </summary>
    public string? BaseUrl { get; set; }

    public int PageSize { get; set; } = 100;

    /// <summary>Six-field NCRONTAB schedule of the pull.</summary>
    public string Schedule { get; set; } = "0 */5 * * * *";

    /// <summary>Also pull once as soon as the app has started, as a timer trigger's RunOnStartup does.</summary>
    public bool RunOnStartup { get; set; }

    /// <summary>Where the feed starts on the first pull ever.</summary>
    public DateTimeOffset InitialUpdatedSince { get; set; } = DateTimeOffset.UnixEpoch;

    /// <summary>At most this many pages per run, so one run never holds the timer for ever.</summary>
    public int MaxPagesPerRun { get; set; } = 1000;

    /// <summary>A page whose body is not the contract's JSON is fetched again at most this many times in a run.</summary>
    public int MalformedPageRetries { get; set; } = 3;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One page, every retry included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>Base of the exponential, jittered back-off.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A Retry-After longer than this is not waited out inside the run; the next run tries again.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 10;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
