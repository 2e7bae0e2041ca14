using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Integration.Functions.Platform.Hosting;

/// <summary>
/// What happens around every HTTP function, in both hosts: authentication, the function's
/// <c>[Authorize]</c>/<c>[AllowAnonymous]</c> attributes, one log line per request with the
/// principal, and an unexpected failure turned into a 500 problem that leaks nothing. The Functions
/// worker runs no ASP.NET Core middleware of the app (its ASP.NET Core integration only routes to
/// the function), so neither host uses <c>UseAuthentication</c>/<c>UseAuthorization</c>: the local
/// host wraps each endpoint in this, and <see cref="HttpFunctionMiddleware"/> does under the
/// Functions host. Correlation runs just outside it (<see cref="Correlation.RunAsync"/>).
/// </summary>
public static class HttpFunctionPipeline
{
    public static async Task RunAsync(HttpContext http, HttpFunctionDescriptor function, Func<Task> invoke)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(invoke);
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Requests");
        var time = services.GetRequiredService<TimeProvider>();
        var started = time.GetTimestamp();
        try
        {
            // As UseAuthentication: the default scheme's principal, when the caller sent credentials.
            var authenticated = await http.AuthenticateAsync();
            if (authenticated.Principal is { } user)
            {
                http.User = user;
            }

            using (logger.BeginScope("Principal:{Principal}", http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous"))
            {
                try
                {
                    await AuthorizeThenInvokeAsync(http, function, invoke);
                }
                finally
                {
                    logger.LogInformation(
                        "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms",
                        http.Request.Method,
                        http.Request.Path.Value,
                        http.Response.StatusCode,
                        time.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
        catch (Exception e) when (!http.Response.HasStarted && !(e is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            logger.LogError(e, "Function {Function} failed", function.Name);
            await WriteFailureAsync(http, e);
        }
    }

    /// <summary>As UseAuthorization: the combined policy of the attributes, challenge or forbid through the scheme.</summary>
    private static async Task AuthorizeThenInvokeAsync(HttpContext http, HttpFunctionDescriptor function, Func<Task> invoke)
    {
        var services = http.RequestServices;
        var policy = function.AllowAnonymous
            ? null
            : await AuthorizationPolicy.CombineAsync(services.GetRequiredService<IAuthorizationPolicyProvider>(), function.Authorize);
        if (policy is null)
        {
            await invoke();
            return;
        }

        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, http);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, http, http);
        await services.GetRequiredService<IAuthorizationMiddlewareResultHandler>().HandleAsync(_ => invoke(), http, policy, authorization);
    }

    private static async Task WriteFailureAsync(HttpContext http, Exception e)
    {
        http.Response.Clear();
        http.Response.StatusCode = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = e,
            ProblemDetails = { Status = http.Response.StatusCode },
        });
    }
}
