using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Functions.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the configured key hashes and
/// turns the caller into a principal of the registry. It is the one place that knows how a caller
/// proves who it is; on Azure an App Service authentication scheme can issue the same claims.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyDirectory directory,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'."));
        }

        var key = header["Bearer ".Length..].Trim();
        var result = directory.Resolve(key);
        if (result.Principal is not { } principal)
        {
            return Task.FromResult(AuthenticateResult.Fail(result.Problem ?? "The API key is not valid."));
        }

        var identity = new ClaimsIdentity(PrincipalClaims.For(principal), SchemeName, ClaimTypes.NameIdentifier, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = failure ?? "Send 'Authorization: Bearer <api key>' with the key issued to your department or system.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = $"'{Context.User.FindFirstValue(ClaimTypes.NameIdentifier)}' may not do this.",
            },
        });
    }
}

/// <summary>The claims every authentication scheme issues for a principal.</summary>
public static class PrincipalClaims
{
    public static IEnumerable<Claim> For(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        yield return new Claim(ClaimTypes.NameIdentifier, principal.Id);
        yield return new Claim(ClaimTypes.Name, principal.DisplayName);
        foreach (var role in principal.Roles)
        {
            yield return new Claim(ClaimTypes.Role, RoleNames.Of(role));
        }
    }
}

public static class RoleNames
{
    public const string Department = "department";
    public const string Coordinator = "coordinator";
    public const string System = "system";
    public const string Admin = "admin";

    public static string Of(PrincipalRole role) => role switch
    {
        PrincipalRole.Department => Department,
        PrincipalRole.Coordinator => Coordinator,
        PrincipalRole.System => System,
        PrincipalRole.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };
}

/// <summary>Every problem with <c>Identity:ApiKeys</c>, each naming its key, checked at start-up.</summary>
public sealed class IdentityOptionsValidation(PrincipalRegistry registry) : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, hashes) in options.ApiKeys)
        {
            if (registry.Find(id) is null)
            {
                problems.Add($"{IdentityOptions.Section}:ApiKeys names '{id}', which is not a principal of {registry.Municipality}.");
                continue;
            }

            foreach (var hash in hashes)
            {
                var normalized = hash.Trim().ToLowerInvariant();
                if (normalized.Length != 64 || !normalized.All(Uri.IsHexDigit))
                {
                    problems.Add($"{IdentityOptions.Section}:ApiKeys:{id} holds {TextRules.Echo(hash)}, which is not a SHA-256 hex digest.");
                }
                else if (!owners.TryAdd(normalized, id))
                {
                    problems.Add($"{IdentityOptions.Section}:ApiKeys:{id} reuses a key hash of '{owners[normalized]}'.");
                }
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>
/// Maps API-key hashes to principals. In Development, with <c>Identity:DevelopmentKeys</c> on, every
/// principal also has the key <c>dev-&lt;id&gt;</c>, derived from the registry so any municipality's file
/// works at once; keys of that form are refused in every other case, even if someone configures their hash.
/// </summary>
public sealed class ApiKeyDirectory
{
    public const string DevelopmentKeyPrefix = "dev-";

    private readonly Dictionary<string, Principal> byHash = new(StringComparer.Ordinal);
    private readonly bool isDevelopment;

    public ApiKeyDirectory(PrincipalRegistry registry, IdentityOptions options, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        this.isDevelopment = isDevelopment;
        DevelopmentKeys = isDevelopment && options.DevelopmentKeys;
        // IdentityOptionsValidation has refused unknown principals, malformed and reused hashes before this runs.
        foreach (var (id, hashes) in options.ApiKeys)
        {
            if (registry.Find(id) is { } principal)
            {
                foreach (var hash in hashes)
                {
                    byHash.TryAdd(hash.Trim().ToLowerInvariant(), principal);
                }
            }
        }

        ConfiguredKeys = byHash.Count;
        if (DevelopmentKeys)
        {
            foreach (var principal in registry.All)
            {
                byHash.TryAdd(Hash(DevelopmentKeyPrefix + principal.Id), principal);
            }
        }
    }

    /// <summary>Whether <c>dev-&lt;id&gt;</c> keys are accepted: Development and <c>Identity:DevelopmentKeys</c> both.</summary>
    public bool DevelopmentKeys { get; }

    /// <summary>How many key hashes are configured (development keys not counted).</summary>
    public int ConfiguredKeys { get; }

    public static string Hash(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public (Principal? Principal, string? Problem) Resolve(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return (null, "The API key is empty.");
        }

        if (!DevelopmentKeys && key.StartsWith(DevelopmentKeyPrefix, StringComparison.Ordinal))
        {
            return (null, isDevelopment
                ? "Development keys are turned off: set Identity:DevelopmentKeys to true to use them in Development."
                : "Development keys are accepted only in the Development environment.");
        }

        // The lookup is by hash, so comparing keys never leaks timing about a stored key.
        return byHash.TryGetValue(Hash(key), out var principal) ? (principal, null) : (null, "The API key is not valid.");
    }
}

/// <summary>Says at start-up, in one line, when no caller can authenticate, or when a setting is ignored.</summary>
public sealed class IdentityStartupReport(
    ApiKeyDirectory directory,
    IOptions<IdentityOptions> options,
    IOptions<EntraId.EntraIdOptions> entraId,
    IHostEnvironment environment,
    ILogger<IdentityStartupReport> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DevelopmentKeys && !environment.IsDevelopment())
        {
            logger.DevelopmentKeysIgnored(environment.EnvironmentName);
        }

        if (directory.ConfiguredKeys == 0 && !directory.DevelopmentKeys && !entraId.Value.Enabled)
        {
            logger.NoApiKeys(environment.EnvironmentName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
