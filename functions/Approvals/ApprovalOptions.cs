using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Approvals;

/// <summary>The <c>Approvals</c> configuration section.</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Approvals";

    /// <summary>Working days a department has to claim an approval routed to it, counted from the push.</summary>
    [Range(1, 60, ErrorMessage = Section + ":" + nameof(ClaimWorkingDays) + " must be from {1} to {2}.")]
    public int ClaimWorkingDays { get; set; } = 2;

    /// <summary>The principal that pushes approvals and receives the feedback topic.</summary>
    [Required(ErrorMessage = Section + ":" + nameof(SourceSystem) + " must name the approval system's principal.")]
    public string SourceSystem { get; set; } = "approval-system";
}

/// <summary>
/// The <c>Connectors:ApprovalSystem</c> section: where and how often to pull the approval system's
/// feed, and how hard to try. No <see cref="BaseUrl"/> means no pull. Checked at start-up: every
/// message names its configuration key, so an operator knows what to fix.
/// </summary>
/// <remarks>The ranges are those Polly's strategies accept, narrowed where a wider value makes no sense for one page.</remarks>
public sealed class ApprovalSystemConnectorOptions
{
    public const string Section = "Connectors:ApprovalSystem";

    private const string Key = Section + ":";

    /// <summary>
    /// The feed's base address (the connector calls <c>{BaseUrl}/approvals</c>): an absolute http(s) URL, or a
    /// path starting with '/' on this app itself, which is how the Development sample feed is reached whatever port it listens on.
    /// </summary>
    public string? BaseUrl { get; set; }

    [Range(1, 1000, ErrorMessage = Key + nameof(PageSize) + " must be from {1} to {2}.")]
    public int PageSize { get; set; } = 100;

    /// <summary>Six-field NCRONTAB schedule of the pull.</summary>
    public string Schedule { get; set; } = "0 */5 * * * *";

    /// <summary>Also pull once as soon as the app has started, as a timer trigger's RunOnStartup does.</summary>
    public bool RunOnStartup { get; set; }

    /// <summary>Where the feed starts on the first pull ever.</summary>
    public DateTimeOffset InitialUpdatedSince { get; set; } = DateTimeOffset.UnixEpoch;

    /// <summary>At most this many pages per run, so one run never holds the timer for ever.</summary>
    [Range(1, 1_000_000, ErrorMessage = Key + nameof(MaxPagesPerRun) + " must be from {1} to {2}.")]
    public int MaxPagesPerRun { get; set; } = 1000;

    /// <summary>A page whose body is not the contract's JSON is fetched again at most this many times in a run.</summary>
    [Range(0, 100, ErrorMessage = Key + nameof(MalformedPageRetries) + " must be from {1} to {2}.")]
    public int MalformedPageRetries { get; set; } = 3;

    /// <summary>One HTTP attempt, from sending the request to the response's headers.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(AttemptTimeout) + " must be from {1} to {2}.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One page, every retry and every pause included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(TotalTimeout) + " must be from {1} to {2}.")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(90);

    [Range(1, 100, ErrorMessage = Key + nameof(MaxRetryAttempts) + " must be from {1} to {2}.")]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>Base of the exponential, jittered back-off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(RetryDelay) + " must be from {1} to {2}.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(MaxRetryDelay) + " must be from {1} to {2}.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A Retry-After longer than this is not waited out inside the run; the next run tries again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(MaxRetryAfter) + " must be from {1} to {2}.")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Share of failed calls in <see cref="SamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1.0, ErrorMessage = Key + nameof(FailureRatio) + " must be from {1} to {2}.")]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls in <see cref="SamplingDuration"/> before the ratio counts.</summary>
    [Range(2, 10_000, ErrorMessage = Key + nameof(MinimumThroughput) + " must be from {1} to {2}.")]
    public int MinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(SamplingDuration) + " must be from {1} to {2}.")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails every call at once before one call may try again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(BreakDuration) + " must be from {1} to {2}.")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The rules of <see cref="ApprovalSystemConnectorOptions"/> that span fields, or that an attribute cannot say.</summary>
public sealed class ApprovalSystemConnectorOptionsValidation : IValidateOptions<ApprovalSystemConnectorOptions>
{
    private const string Key = ApprovalSystemConnectorOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, ApprovalSystemConnectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.BaseUrl) && !IsFeedAddress(options.BaseUrl))
        {
            problems.Add($"{Key}{nameof(options.BaseUrl)} must be an absolute http or https URL, or a path on this app starting with '/'; it is '{options.BaseUrl}'.");
        }

        if (options.AttemptTimeout >= options.TotalTimeout)
        {
            problems.Add($"{Key}{nameof(options.AttemptTimeout)} ({options.AttemptTimeout}) must be shorter than {Key}{nameof(options.TotalTimeout)} ({options.TotalTimeout}), which covers every attempt of a page.");
        }

        if (options.MaxRetryAfter >= options.TotalTimeout)
        {
            problems.Add($"{Key}{nameof(options.MaxRetryAfter)} ({options.MaxRetryAfter}) must be shorter than {Key}{nameof(options.TotalTimeout)} ({options.TotalTimeout}): a pause the run waits out has to leave time for the retry.");
        }

        if (options.RetryDelay > options.MaxRetryDelay)
        {
            problems.Add($"{Key}{nameof(options.RetryDelay)} ({options.RetryDelay}) must not exceed {Key}{nameof(options.MaxRetryDelay)} ({options.MaxRetryDelay}).");
        }

        // As the standard resilience handler requires: a window shorter than two attempts cannot judge a failing feed.
        if (options.SamplingDuration < 2 * options.AttemptTimeout)
        {
            problems.Add($"{Key}{nameof(options.SamplingDuration)} ({options.SamplingDuration}) must be at least twice {Key}{nameof(options.AttemptTimeout)} ({options.AttemptTimeout}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool IsFeedAddress(string configured) =>
        configured.StartsWith('/')
            ? !configured.StartsWith("//", StringComparison.Ordinal) && Uri.TryCreate(configured, UriKind.Relative, out _)
            : Uri.TryCreate(configured, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;
}
