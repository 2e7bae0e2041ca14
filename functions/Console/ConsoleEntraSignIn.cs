using Integration.Functions.Identity.EntraId;
using Integration.Functions.Platform;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Integration.Functions.Console;

/// <summary>
/// 使用统一身份认证登录: the console's sign-in with Microsoft Entra ID (OpenID Connect, authorization code with PKCE),
/// offered when <c>Identity:EntraId</c> names a tenant and a client. The ID token's app roles map to a principal exactly
/// as a bearer token's do (<see cref="EntraIdPrincipalMap"/>), and the result is the same console cookie a key gives.
/// The callback (<see cref="CallbackPath"/>) is answered by the authentication middleware the web application adds
/// for its schemes; nothing of the token is kept in the cookie.
/// </summary>
public static class ConsoleEntraSignIn
{
    public const string Scheme = "ConsoleEntraId";
    public const string CallbackPath = "/console/signin-entra";
    private const string UnmappedItem = "Integration.Console.EntraIdUnmapped";

    /// <summary>Registers the OpenID Connect scheme when Entra ID sign-in is configured; call after <see cref="ConsoleEndpoints.AddConsole"/>.</summary>
    public static IServiceCollection AddConsoleEntraSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection(EntraIdOptions.Section).Get<EntraIdOptions>() is not { ConsoleSignIn: true })
        {
            return services;
        }

        services.AddAuthentication().AddOpenIdConnect(Scheme, "统一身份认证", o => o.Events = Events);
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<EntraIdOptions>>((o, entra) =>
        {
            var options = entra.Value;
            o.Authority = options.Authority;
            o.RequireHttpsMetadata = !options.AllowHttpOnLoopback;
            o.ClientId = options.ClientId;
            o.ClientSecret = string.IsNullOrEmpty(options.ClientSecret) ? null : options.ClientSecret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            // The code comes back on a GET (a top-level navigation), so the correlation cookies can be SameSite=Lax
            // and nothing depends on a cross-site POST; PKCE binds the code to this sign-in.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.CallbackPath = CallbackPath;
            o.SignInScheme = ConsoleEndpoints.Scheme;
            o.MapInboundClaims = false;
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.DisableTelemetry = true;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        // A Strict cookie set on the callback is not sent on the redirect that follows (the navigation began at the
        // sign-in host, another site), so the person would land signed out. Lax still withholds it from cross-site
        // posts, and every form carries an anti-forgery token.
        services.AddOptions<CookieAuthenticationOptions>(ConsoleEndpoints.Scheme).Configure(o => o.Cookie.SameSite = SameSiteMode.Lax);
        return services;
    }

    /// <summary>Whether the sign-in page offers 使用统一身份认证登录.</summary>
    public static bool IsOffered(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<EntraIdOptions>>().Value.ConsoleSignIn;

    /// <summary>What the sign-in page says after an Entra ID sign-in came back refused (<c>?entra=…</c>), or nothing.</summary>
    public static string? Problem(HttpRequest request) => request.Query["entra"].ToString() switch
    {
        "unmapped" => "您的统一身份认证账号未对应到唯一的部门或系统（应用角色未分配或分配了多个），请联系平台管理员。",
        "failed" => "统一身份认证登录未完成，请重试。",
        _ => null,
    };

    public static void MapConsoleEntraSignIn(this RouteGroupBuilder console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.MapPost("/sign-in/entra", (Delegate)StartAsync);
    }

    private static async Task<IResult> StartAsync(HttpContext http)
    {
        if (!IsOffered(http))
        {
            return TypedResults.NotFound();
        }

        if (!http.Request.HasFormContentType || !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            return TypedResults.Redirect("/console/sign-in?entra=failed");
        }

        await http.ChallengeAsync(Scheme, new AuthenticationProperties { RedirectUri = "/console/queue" });
        return TypedResults.Empty;
    }

    private static readonly OpenIdConnectEvents Events = new()
    {
        OnTokenValidated = context =>
        {
            var (principal, problem) = context.HttpContext.RequestServices.GetRequiredService<EntraIdPrincipalMap>().Resolve(context.Principal!);
            if (principal is null)
            {
                context.HttpContext.Items[UnmappedItem] = problem;
                context.Fail(problem!);
            }
            else
            {
                context.Principal = EntraIdPrincipalMap.ClaimsFor(principal, ConsoleEndpoints.Scheme, System.Security.Claims.ClaimTypes.Name);
            }

            return Task.CompletedTask;
        },
        OnRemoteFailure = context =>
        {
            // Never a 500 for a sign-in that came back refused, cancelled or replayed: back to the sign-in page, saying so.
            var unmapped = context.HttpContext.Items[UnmappedItem] is string;
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Console")
                .EntraIdSignInRefused(context.Failure?.Message ?? "no reason given");
            context.HandleResponse();
            context.Response.Redirect($"/console/sign-in?entra={(unmapped ? "unmapped" : "failed")}");
            return Task.CompletedTask;
        },
    };
}
