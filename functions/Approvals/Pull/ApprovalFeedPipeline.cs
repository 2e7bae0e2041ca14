using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Integration.Functions.Platform;
using Polly;

namespace Integration.Functions.Approvals.Pull;

/// <summary>
/// The resilience pipeline of the <c>approval-system</c> HttpClient, given to it by
/// <c>AddResilienceHandler</c> and configured from <c>Connectors:ApprovalSystem</c>: a total timeout
/// per page, retries with jittered exponential back-off that wait out a Retry-After on 429 and 503
/// (up to <see cref="ApprovalSystemConnectorOptions.MaxRetryAfter"/>), a circuit breaker, and a
/// timeout per attempt.
/// </summary>
/// <remarks>
/// The pipeline lives in the resilience pipeline registry, a singleton keyed by client and pipeline
/// name (<c>approval-system-feed</c>). Every handler chain IHttpClientFactory builds (it rotates them
/// every two minutes) asks the registry for the pipeline and gets the same instance, so the circuit
/// breaker's state outlives the handlers. A change of the options rebuilds the pipeline, and with it
/// the breaker, closed.
/// </remarks>
public static partial class ApprovalFeedPipeline
{
    public const string Name = "feed";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(context);
        context.EnableReloads<ApprovalSystemConnectorOptions>();
        var options = context.GetOptions<ApprovalSystemConnectorOptions>();
        var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
        var logger = context.ServiceProvider.GetRequiredService<ILogger<ApprovalFeedClient>>();

        // The app's clock drives every delay, timeout and break, so virtual time drives them in tests. The
        // registry already hands the builder the TimeProvider registered in DI; saying so here keeps it so.
        builder.TimeProvider = time;
        builder
            .AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout })
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,

                // The library's own Retry-After reading (ShouldRetryAfterHeader) takes HTTP dates against the
                // system clock and honours the header on any status; this one reads 429/503 on the app's clock.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter.Of(args.Outcome.Result, time.GetUtcNow())),
                ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome) && !WaitsTooLong(args.Outcome.Result, time.GetUtcNow(), options.MaxRetryAfter)),
                OnRetry = args =>
                {
                    LogRetry(logger, Describe(args.Outcome), args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = args =>
                {
                    logger.CircuitOpened(args.BreakDuration, Describe(args.Outcome));
                    return default;
                },
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
    }

    /// <summary>The server asks for a longer pause than a run waits: give up now, the next run tries again.</summary>
    private static bool WaitsTooLong(HttpResponseMessage? response, DateTimeOffset now, TimeSpan max) =>
        RetryAfter.Of(response, now) is { } wait && wait > max;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? e.GetType().Name : $"HTTP {(int?)outcome.Result?.StatusCode}";

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Approval system call failed ({Outcome}); retry {Attempt} in {Delay}")]
    private static partial void LogRetry(ILogger logger, string outcome, int attempt, TimeSpan delay);
}

/// <summary>Reads Retry-After (seconds or an HTTP date) from a 429 or 503 answer.</summary>
public static class RetryAfter
{
    public static TimeSpan? Of(HttpResponseMessage? response, DateTimeOffset now)
    {
        if (response is null || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        return header.Date is { } date ? (date > now ? date - now : TimeSpan.Zero) : null;
    }
}
