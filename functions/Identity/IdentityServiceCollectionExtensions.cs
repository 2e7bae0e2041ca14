using Integration.Domain.Identity;
using Integration.Functions.Identity.EntraId;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>Registers the municipality's principals, API-key (and Entra ID) authentication and the role policies; returns the principals.</summary>
    public static PrincipalRegistry AddPlatformIdentity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var municipality = configuration.GetSection(MunicipalityOptions.Section).Get<MunicipalityOptions>() ?? new MunicipalityOptions();
        var registry = municipality.ToRegistry();
        services.AddSingleton(municipality);
        services.AddSingleton(registry);
        services.AddSingleton(municipality.ToResponsibilityList(registry));
        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection(IdentityOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentityOptions>>(new IdentityOptionsValidation(registry));
        services.AddSingleton(provider => new ApiKeyDirectory(registry, provider.GetRequiredService<IOptions<IdentityOptions>>().Value, environment.IsDevelopment()));
        services.AddHostedService<IdentityStartupReport>();

        // Identity:EntraId: Entra ID bearer tokens beside the keys when a tenant is configured; keys only otherwise.
        var entraId = services.AddEntraIdOptions(configuration, registry);
        var authentication = services.AddAuthentication(entraId.Enabled ? EntraIdBearer.CallerScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (entraId.Enabled)
        {
            authentication.AddEntraIdBearer();
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(RoleNames.Admin, p => p.RequireRole(RoleNames.Admin))
            .AddPolicy(RoleNames.Coordinator, p => p.RequireRole(RoleNames.Coordinator, RoleNames.Admin))
            .AddPolicy(RoleNames.Department, p => p.RequireRole(RoleNames.Department))
            .AddPolicy(RoleNames.System, p => p.RequireRole(RoleNames.System));
        return registry;
    }
}
