using Integration.Functions.Platform.Records;
using Microsoft.AspNetCore.Diagnostics;

namespace Integration.Functions.Platform;

/// <summary>
/// Answers a command that lost every race to update its record with 409 <c>concurrent-update</c>
/// and what to do about it, rather than a 500: the request was valid, the record was busy.
/// </summary>
public sealed class ConcurrentUpdateProblem(IProblemDetailsService problems) : IExceptionHandler
{
    public const string Code = "concurrent-update";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not ConcurrentUpdateException busy)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status409Conflict;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status409Conflict,
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
                Title = "Concurrent update",
                Detail = $"The {busy.Key.Kind} {busy.Key.Id} was changed by other requests while this one was applied, and nothing of this request was stored. "
                    + "Read it again and, if the command still applies, send it again.",
                Extensions = { ["code"] = Code, [busy.Key.Kind + "Id"] = busy.Key.Id },
            },
        });
    }
}
