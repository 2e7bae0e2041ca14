using System.Security.Claims;
using Integration.Domain.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Integration.Functions.Identity.EntraId;

/// <summary>
/// Entra ID bearer tokens for the API, beside API keys. Both arrive as <c>Authorization: Bearer …</c>, so a policy
/// scheme sends a token shaped like a JWT (three base64url parts, the first a JSON object) to the JWT handler and
/// anything else to the key handler; no API key has that shape (keys are opaque strings, <c>dev-…</c> in Development).
/// The pipeline authenticates with the default scheme in both hosts, so this works under the Functions host too.
/// </summary>
public static class EntraIdBearer
{
    public const string SchemeName = "EntraId";

    /// <summary>The API's default scheme while Entra ID is on: forwards to <see cref="SchemeName"/> or the key scheme.</summary>
    public const string CallerScheme = "ApiKeyOrEntraId";

    private const string UnmappedItem = "Integration.EntraId.Unmapped";

    /// <summary>Binds and validates <c>Identity:EntraId</c> and registers the role mapping; returns the options as configured now.</summary>
    public static EntraIdOptions AddEntraIdOptions(this IServiceCollection services, IConfiguration configuration, PrincipalRegistry registry)
    {
        services.AddOptions<EntraIdOptions>().Bind(configuration.GetSection(EntraIdOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EntraIdOptions>>(new EntraIdOptionsValidation(registry));
        services.AddSingleton<EntraIdPrincipalMap>();
        return configuration.GetSection(EntraIdOptions.Section).Get<EntraIdOptions>() ?? new EntraIdOptions();
    }

    public static AuthenticationBuilder AddEntraIdBearer(this AuthenticationBuilder authentication)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        authentication.AddPolicyScheme(CallerScheme, "API key or Entra ID token", o => o.ForwardDefaultSelector = Select);
        authentication.AddJwtBearer(SchemeName, o => o.Events = Events);
        authentication.Services.AddOptions<JwtBearerOptions>(SchemeName).Configure<IOptions<EntraIdOptions>>((o, entra) =>
        {
            var options = entra.Value;
            o.Authority = options.Authority;
            o.RequireHttpsMetadata = !options.AllowHttpOnLoopback;
            // Claims keep their token names ("roles", "oid"); the principal's own claims replace them once mapped.
            o.MapInboundClaims = false;
            o.TokenValidationParameters.ValidAudiences = options.Audiences;
        });
        return authentication;
    }

    public static bool LooksLikeJwt(string authorization)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = authorization.AsSpan("Bearer ".Length).Trim();
        return token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count('.') == 2;
    }

    private static string Select(HttpContext http) =>
        LooksLikeJwt(http.Request.Headers.Authorization.ToString()) ? SchemeName : ApiKeyAuthenticationHandler.SchemeName;

    private static readonly JwtBearerEvents Events = new()
    {
        OnTokenValidated = context =>
        {
            var (principal, problem) = context.HttpContext.RequestServices.GetRequiredService<EntraIdPrincipalMap>().Resolve(context.Principal!);
            if (principal is null)
            {
                // A genuine token of the tenant that stands for no principal: refused as 403, not 401 (it is not invalid).
                context.HttpContext.Items[UnmappedItem] = problem;
                context.Fail(problem!);
            }
            else
            {
                context.Principal = EntraIdPrincipalMap.ClaimsFor(principal, SchemeName);
            }

            return Task.CompletedTask;
        },
        OnChallenge = async context =>
        {
            context.HandleResponse();
            if (context.HttpContext.Items[UnmappedItem] is string unmapped)
            {
                await WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", unmapped);
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", Reason(context.AuthenticateFailure));
        },
        OnForbidden = context => WriteAsync(
            context.HttpContext,
            StatusCodes.Status403Forbidden,
            "Forbidden",
            $"'{context.HttpContext.User.FindFirstValue(ClaimTypes.NameIdentifier)}' may not do this."),
    };

    /// <summary>Why a token was refused, in a sentence for the caller (the handler's own messages are for logs).</summary>
    private static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "The Entra ID token has expired.",
        SecurityTokenNotYetValidException => "The Entra ID token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The Entra ID token was issued for another audience than this API (Identity:EntraId:Audience).",
        SecurityTokenInvalidIssuerException => "The Entra ID token was not issued by the configured tenant (Identity:EntraId:TenantId).",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The Entra ID token's signature is not valid.",
        SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
        InvalidOperationException or HttpRequestException => "The Entra ID token could not be checked: the tenant's signing keys are unavailable. Try again later.",
        _ => "The Entra ID token is not valid.",
    };

    private static async Task WriteAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
