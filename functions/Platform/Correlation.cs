using System.Diagnostics;
using System.Security.Claims;
using System.Text.RegularExpressions;

namespace Integration.Functions.Platform;

/// <summary>
/// Gives every request a correlation id (the caller's <c>X-Correlation-Id</c> when it is sane,
/// otherwise the trace id), echoes it in the response, and puts it and the acting principal into
/// the logging scope so every log line of the request carries both.
/// </summary>
public static partial class Correlation
{
    public const string Header = "X-Correlation-Id";
    private const string ItemKey = "correlation-id";
    private const string PrincipalKey = "principal-id";

    public static string? GetCorrelationId(this HttpContext context) =>
        context?.Items.TryGetValue(ItemKey, out var id) == true ? id as string : null;

    /// <summary>
    /// Outermost: sets the correlation id and logs one line per request once the response is final,
    /// after the exception handler and status pages, so the line states the status actually sent.
    /// </summary>
    public static IApplicationBuilder UseCorrelation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
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
                await next(context);
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
                var principal = context.Items.TryGetValue(PrincipalKey, out var p) ? p as string : null;
                using (logger.BeginScope("Principal:{Principal}", principal ?? "anonymous"))
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
    });

    /// <summary>After authentication: adds the acting principal to the scope of every line the request logs.</summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Requests");
        var principal = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
        context.Items[PrincipalKey] = principal;
        using (logger.BeginScope("Principal:{Principal}", principal))
        {
            await next(context);
        }
    });

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeId();
}
