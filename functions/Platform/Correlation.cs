using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Integration.Functions.Platform;

/// <summary>
/// Gives every request a correlation id (the caller's <c>X-Correlation-Id</c> when it is sane,
/// otherwise the trace id), echoes it in the response, and puts it into the logging scope so every
/// log line of the request carries it (the principal is added by <c>HttpFunctionPipeline</c>).
/// </summary>
public static partial class Correlation
{
    public const string Header = "X-Correlation-Id";
    private const string ItemKey = "correlation-id";

    public static string? GetCorrelationId(this HttpContext context) =>
        context?.Items.TryGetValue(ItemKey, out var id) == true ? id as string : null;

    public static IApplicationBuilder UseCorrelation(this IApplicationBuilder app) => app.Use((context, next) => RunAsync(context, () => next(context)));

    /// <summary>Runs <paramref name="next"/> with the request's correlation id set, echoed and in the logging scope.</summary>
    public static async Task RunAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var offered = context.Request.Headers[Header].ToString();
        var id = SafeId().IsMatch(offered) ? offered : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Requests");
        using (logger.BeginScope("CorrelationId:{CorrelationId}", id))
        {
            await next();
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeId();
}
