using System.Net;
using Integration.Functions.Platform;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Integration.Functions.Approvals.Pull;

/// <summary>
/// The resilience pipeline of calls to the approval system, built on Polly.Core the way
/// Microsoft.Extensions.Http.Resilience builds its standard handler (not available here): a total
/// timeout, retries with jittered exponential back-off that honour Retry-After on 429 and 503, a
/// circuit breaker, and a timeout per attempt. One instance per app, so the breaker's state
/// outlives the handlers IHttpClientFactory rotates.
/// </summary>
public sealed class ApprovalFeedResilience
{
    public ApprovalFeedResilience(IOptions<ApprovalSystemConnectorOptions> options, TimeProvider time, ILogger<ApprovalFeedResilience> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Pipeline = Build(options.Value, time, logger);
    }

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }

    public static ResiliencePipeline<HttpResponseMessage> Build(ApprovalSystemConnectorOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddTimeout(options.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome) && !WaitsTooLong(args.Outcome.Result, time.GetUtcNow(), options.MaxRetryAfter)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                // A Retry-After replaces the back-off; without one, null keeps the jittered back-off.
                DelayGenerator = args => ValueTask.FromResult(RetryAfter.Of(args.Outcome.Result, time.GetUtcNow())),
                OnRetry = args =>
                {
                    logger.LogWarning("Approval system call failed ({Outcome}); retry {Attempt} in {Delay}",
                        Describe(args.Outcome), args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
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
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>Failures worth another try: the network, a timed-out attempt, 408, 429 and every 5xx.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException or TimeoutRejectedException => true,
        null => outcome.Result is { } response && IsTransient(response.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The server asks for a longer pause than a run waits: give up now, the next run tries again.</summary>
    private static bool WaitsTooLong(HttpResponseMessage? response, DateTimeOffset now, TimeSpan max) =>
        RetryAfter.Of(response, now) is { } wait && wait > max;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? e.GetType().Name : $"HTTP {(int?)outcome.Result?.StatusCode}";
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

/// <summary>Runs every call of the approval system's HttpClient through <see cref="ApprovalFeedResilience"/>.</summary>
public sealed class ApprovalFeedResilienceHandler(ApprovalFeedResilience resilience) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await resilience.Pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Handler.SendOnceAsync(state.Request, ctx.CancellationToken),
                context,
                (Handler: this, Request: request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // GET requests carry no content, so the same message can be sent again on a retry.
    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
