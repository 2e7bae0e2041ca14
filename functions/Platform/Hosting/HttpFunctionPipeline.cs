using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Diagnostics;

namespace Integration.Functions.Platform.Hosting;

/// <summary>
/// What happens around every HTTP function, in both hosts: authentication, the function's
/// <c>[Authorize]</c>/<c>[AllowAnonymous]</c> attributes, the principal in the logging scope,
/// and an unexpected failure turned into a 500 problem that leaks nothing. The Functions
/// worker runs no ASP.NET Core middleware of the app (its ASP.NET Core integration only routes to
/// the function), so neither host uses <c>UseAuthentication</c>/<c>UseAuthorization</c>: the local
/// host wraps each endpoint in this, and <see cref="HttpFunctionMiddleware"/> does under the
/// Functions host. Correlation and the request's log line run just outside it
/// (<see cref="Correlation.RunAsync"/>), so the line states the status the failure handling sent.
/// </summary>
public static class HttpFunctionPipeline
{
    public static async Task RunAsync(HttpContext http, HttpFunctionDescriptor function, Func<Task> invoke)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(invoke);
        var services = http.RequestServices;
        if (function.Method.GetCustomAttribute<BodyLimitAttribute>() is { } bodyLimit)
        {
            http.Features.Set<IRequestSizeLimitMetadata>(bodyLimit);
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Requests");
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
                await AuthorizeThenInvokeAsync(http, function, invoke);
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

        // The app's exception handlers answer what they know (e.g. a record busy with other writers is a 409), as
        // UseExceptionHandler would; the worker runs no such middleware, so both hosts ask them here.
        foreach (var handler in http.RequestServices.GetServices<IExceptionHandler>())
        {
            if (await handler.TryHandleAsync(http, e, http.RequestAborted))
            {
                return;
            }
        }

        http.Response.StatusCode = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = e,
            ProblemDetails = { Status = http.Response.StatusCode },
        });
    }
}
