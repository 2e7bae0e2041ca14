using System.ComponentModel.DataAnnotations;
using Integration.Domain.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Platform.Timers;

/// <summary>The <c>Timers</c> configuration section.</summary>
public sealed class TimerOptions
{
    public const string Section = "Timers";

    private const string Key = Section + ":";

    /// <summary>IANA or Windows id of the zone schedules are read in (checked by <see cref="TimerOptionsValidation"/>).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>A run that starts later than this after its scheduled time is reported as past due.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(PastDueAfter) + " must be from {1} to {2}.")]
    public TimeSpan PastDueAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest sleep between checks, so a schedule status changed by another instance is seen.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(MaxSleep) + " must be from {1} to {2}.")]
    public TimeSpan MaxSleep { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Function names not to run on this instance.</summary>
    public List<string> Disabled { get; set; } = [];
}

/// <summary>What data annotations cannot say about <see cref="TimerOptions"/>: the zone must be one this machine knows.</summary>
public sealed class TimerOptionsValidation : IValidateOptions<TimerOptions>
{
    public ValidateOptionsResult Validate(string? name, TimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{TimerOptions.Section}:{nameof(TimerOptions.TimeZone)} '{options.TimeZone}' is not a time zone this machine knows (e.g. Asia/Shanghai).");
    }
}

/// <summary>
/// Fires timer functions. Each function's schedule status (last occurrence fired) is a row in the
/// table store; an occurrence is claimed by replacing that row with its ETag, so when several
/// instances run, exactly one fires each occurrence. An occurrence missed while no instance ran is
/// fired once on start, reported as past due, as Azure Functions does.
/// </summary>
public sealed class TimerScheduler
{
    public const string Table = "Timers";
    private const string StatusRow = "status";

    private readonly ITableStore store;
    private readonly TimeProvider time;
    private readonly IServiceProvider services;
    private readonly ILogger<TimerScheduler> logger;
    private readonly TimerOptions options;
    private readonly TimeZoneInfo zone;
    private readonly List<(TimerFunction Function, CronSchedule Schedule)> timers = [];
    private bool tableReady;

    public TimerScheduler(
        IEnumerable<TimerFunction> functions, IConfiguration configuration, IOptions<TimerOptions> timerOptions, ITableStore store, TimeProvider time, IServiceProvider services, ILogger<TimerScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(configuration);
        this.store = store;
        this.time = time;
        this.services = services;
        this.logger = logger;
        ArgumentNullException.ThrowIfNull(timerOptions);
        options = timerOptions.Value;
        zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        foreach (var function in functions)
        {
            if (options.Disabled.Contains(function.Name, StringComparer.Ordinal))
            {
                continue;
            }

            var expression = ResolveSchedule(function, configuration);
            if (!CronSchedule.TryParse(expression, out var schedule, out var error))
            {
                throw new InvalidOperationException($"Timer function '{function.Name}': {error}");
            }

            timers.Add((function, schedule));
        }
    }

    public TimerOptions Options => options;

    public IReadOnlyList<(TimerFunction Function, CronSchedule Schedule)> Timers => timers;

    /// <summary>Fires every occurrence due now (at most one run per function per call); returns when to look again.</summary>
    public async Task<DateTimeOffset> FireDueAsync(CancellationToken cancellationToken)
    {
        if (!tableReady)
        {
            await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
            tableReady = true;
        }

        var now = time.GetUtcNow();
        var wake = now + options.MaxSleep;
        foreach (var (function, schedule) in timers)
        {
            var next = await FireIfDueAsync(function, schedule, now, cancellationToken);
            if (next is { } n && n < wake)
            {
                wake = n;
            }
        }

        return wake;
    }

    private async Task<DateTimeOffset?> FireIfDueAsync(TimerFunction function, CronSchedule schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = await store.GetAsync(Table, function.Name, StatusRow, cancellationToken);
        if (status is null)
        {
            // First start ever: schedule from now, nothing is past due.
            await TryWriteStatusAsync(function.Name, now, schedule.NextAfter(now, zone), null, cancellationToken);
            return schedule.NextAfter(now, zone);
        }

        var last = status.GetDateTimeOffset("Last") ?? now;
        var due = schedule.NextAfter(last, zone);
        if (due is not { } scheduled || scheduled > now)
        {
            return due;
        }

        // Several missed occurrences collapse into one past-due run, the latest one.
        var latest = scheduled;
        while (schedule.NextAfter(latest, zone) is { } later && later <= now)
        {
            latest = later;
        }

        var next = schedule.NextAfter(latest, zone);
        if (!await TryWriteStatusAsync(function.Name, latest, next, status.ETag, cancellationToken))
        {
            return next; // another instance claimed this occurrence
        }

        var info = new TimerInfo
        {
            IsPastDue = now - scheduled > options.PastDueAfter,
            ScheduleStatus = new ScheduleStatus { Last = last.UtcDateTime, Next = (next ?? latest).UtcDateTime, LastUpdated = now.UtcDateTime },
        };
        await RunAsync(function, latest, info, cancellationToken);
        return next;
    }

    private async Task<bool> TryWriteStatusAsync(string name, DateTimeOffset last, DateTimeOffset? next, string? etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(name, StatusRow, new Dictionary<string, object?> { ["Last"] = last, ["Next"] = next });
        try
        {
            if (etag is null)
            {
                await store.InsertAsync(Table, entity, cancellationToken);
            }
            else
            {
                await store.ReplaceAsync(Table, entity, etag, cancellationToken);
            }

            return true;
        }
        catch (TableStoreException e) when (e.Kind is TableErrorKind.Conflict or TableErrorKind.PreconditionFailed)
        {
            return false;
        }
    }

    private async Task RunAsync(TimerFunction function, DateTimeOffset scheduled, TimerInfo info, CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        using var logScope = logger.BeginScope("Function:{Function}", function.Name);
        if (info.IsPastDue)
        {
            logger.LogWarning("Timer {Function} is past due: scheduled {Scheduled:o}, running now", function.Name, scheduled);
        }

        try
        {
            await function.Handler(info, scope.ServiceProvider, cancellationToken);
            // Debug: the deadline sweep runs every few seconds; functions log what they did themselves.
            logger.LogDebug("Timer {Function} ran for {Scheduled:o}", function.Name, scheduled);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // As in Azure Functions, a failed timer run is logged and the schedule goes on.
            logger.LogError(e, "Timer {Function} failed for {Scheduled:o}", function.Name, scheduled);
        }
    }

    private static string ResolveSchedule(TimerFunction function, IConfiguration configuration)
    {
        var schedule = function.Schedule;
        if (schedule.Length > 2 && schedule[0] == '%' && schedule[^1] == '%')
        {
            var key = schedule[1..^1];
            return configuration[key]
                ?? throw new InvalidOperationException($"Timer function '{function.Name}' reads its schedule from setting '{key}', which is not set.");
        }

        return schedule;
    }
}

/// <summary>
/// A timer function as the scheduler runs it: <see cref="Schedule"/> is six-field NCRONTAB (seconds
/// first) or <c>%Setting%</c>, read from configuration as Azure Functions does; the handler gets a
/// service scope of its own for each run.
/// </summary>
public sealed record TimerFunction(string Name, string Schedule, Func<TimerInfo, IServiceProvider, CancellationToken, Task> Handler);

/// <summary>Runs the scheduler until shutdown, sleeping on the injected clock until the next occurrence.</summary>
public sealed class TimerHost(TimerScheduler scheduler, TimeProvider time, ILogger<TimerHost> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (scheduler.Timers.Count == 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset wake;
            try
            {
                wake = await scheduler.FireDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Timer scheduling failed; retrying shortly");
                wake = time.GetUtcNow() + TimeSpan.FromSeconds(5);
            }

            var delay = wake - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
