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

    public static string? GetCorrelationId(this HttpContext context) =>
        context?.Items.TryGetValue(ItemKey, out var id) == true ? id as string : null;

    public static IApplicationBuilder UseCorrelation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var offered = context.Request.Headers[Header].ToString();
        var id = SafeId().IsMatch(offered) ? offered : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Requests");
        using (logger.BeginScope("CorrelationId:{CorrelationId}", id))
        {
            await next(context);
        }
    });

    /// <summary>After authentication: adds the principal to the scope and logs one line per request.</summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Requests");
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var principal = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
        var started = time.GetTimestamp();
        using (logger.BeginScope("Principal:{Principal}", principal))
        {
            try
            {
                await next(context);
            }
            finally
            {
                logger.LogInformation(
                    "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms",
                    context.Request.Method,
                    context.Request.Path.Value,
                    context.Response.StatusCode,
                    time.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    });

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeId();
}
