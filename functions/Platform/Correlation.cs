using System.Diagnostics;
using System.Security.Claims;
using System.Text.RegularExpressions;

namespace Integration.Functions.Platform;

/// <summary>
/// Gives every request a correlation id (the caller's <c>X-Correlation-Id</c> when it is sane,
/// otherwise the trace id), echoes it in the response, puts it into the logging scope so every log
/// line of the request carries it, and logs one line per request once the response is final, so the
/// line states the status actually sent (the principal's scope is added by <c>HttpFunctionPipeline</c>).
/// </summary>
public static partial class Correlation
{
    public const string Header = "X-Correlation-Id";
    private const string ItemKey = "correlation-id";

    public static string? GetCorrelationId(this HttpContext context) =>
        context?.Items.TryGetValue(ItemKey, out var id) == true ? id as string : null;

    /// <summary>Outermost in the local host: before the exception handler and status pages, so their answer is the one logged.</summary>
    public static IApplicationBuilder UseCorrelation(this IApplicationBuilder app) => app.Use((context, next) => RunAsync(context, () => next(context)));

    /// <summary>Runs <paramref name="next"/> with the request's correlation id set, echoed and in the logging scope, then logs the request.</summary>
    public static async Task RunAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var offered = context.Request.Headers[Header].ToString();
        var id = SafeId().IsMatch(offered) ? offered : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Requests");
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var started = time.GetTimestamp();
        using (logger.BeginScope("CorrelationId:{CorrelationId}", id))
        {
            var failed = false;
            try
            {
                await next();
            }
            catch
            {
                // Not even the exception handler could answer: the caller sees a failure, and so does the log.
                failed = true;
                throw;
            }
            finally
            {
                var status = failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
                var principal = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
                using (logger.BeginScope("Principal:{Principal}", principal))
                {
                    var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
                    if (status >= StatusCodes.Status500InternalServerError)
                    {
                        logger.RequestFailed(context.Request.Method, context.Request.Path.Value, status, elapsed);
                    }
                    else
                    {
                        logger.RequestCompleted(context.Request.Method, context.Request.Path.Value, status, elapsed);
                    }
                }
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeId();
}
