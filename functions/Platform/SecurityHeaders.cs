using Integration.Functions.Identity.EntraId;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Platform;

/// <summary>
/// The headers every response carries, in both hosts (the local host's outermost middleware, and
/// <c>HttpFunctionMiddleware</c> under the Functions host): no content sniffing, no framing, and a
/// Content-Security-Policy that runs no script at all. The console's pages and the report's HTML are
/// server-rendered with their style sheet inline and no script, so styles may be inline and scripts may
/// not be anything. Forms post to the app itself, and to the Entra ID sign-in host when the console
/// signs people in there (a browser checks <c>form-action</c> on the redirect the sign-in form answers).
/// The headers are written as the response starts, so a response cleared by failure handling still has them.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Outermost in the local host, so the exception handler's and status pages' answers carry the headers too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            AddOnStarting(context);
            return next(context);
        });

    /// <summary>Sets the headers when <paramref name="context"/>'s response starts, whatever wrote it.</summary>
    public static void AddOnStarting(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policy = context.RequestServices.GetRequiredService<SecurityHeaderPolicy>().ContentSecurityPolicy;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = policy;
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
            }

            return Task.CompletedTask;
        });
    }
}

/// <summary>The Content-Security-Policy of this instance, worked out once from its configuration.</summary>
public sealed class SecurityHeaderPolicy
{
    public SecurityHeaderPolicy(IOptions<EntraIdOptions> entraId)
    {
        ArgumentNullException.ThrowIfNull(entraId);
        var signInHost = entraId.Value.ConsoleSignIn && Uri.TryCreate(entraId.Value.Instance, UriKind.Absolute, out var instance)
            ? " " + instance.GetLeftPart(UriPartial.Authority)
            : "";
        ContentSecurityPolicy = string.Join("; ",
            "default-src 'none'",
            "script-src 'none'",
            "style-src 'unsafe-inline'",
            "img-src 'self' data:",
            "form-action 'self'" + signInHost,
            "frame-ancestors 'none'",
            "base-uri 'none'");
    }

    public string ContentSecurityPolicy { get; }
}
