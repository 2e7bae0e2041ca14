using Integration.Functions.Identity;
using Integration.Functions.Identity.EntraId;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Health;

/// <summary>
/// Someone can sign in: an API key is configured, development keys are on, or Microsoft Entra ID is. A production
/// instance where nobody can is answering every caller 401, so it reports unhealthy and the platform's health probe
/// takes it out of rotation; elsewhere the same finding is only a warning.
/// </summary>
public sealed class IdentityHealthCheck(ApiKeyDirectory keys, IOptions<EntraIdOptions> entraId, IHostEnvironment environment) : IHealthCheck
{
    public const string Name = "identity";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var providers = new List<string>();
        if (keys.ConfiguredKeys > 0)
        {
            providers.Add($"{keys.ConfiguredKeys} API key(s)");
        }

        if (keys.DevelopmentKeys)
        {
            providers.Add("development keys");
        }

        if (entraId.Value.Enabled)
        {
            providers.Add("Microsoft Entra ID");
        }

        if (providers.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"Callers sign in with {string.Join(", ", providers)}."));
        }

        const string nobody = "No identity provider is configured (no Identity:ApiKeys, no Identity:EntraId): no caller can sign in.";
        return Task.FromResult(environment.IsProduction() ? HealthCheckResult.Unhealthy(nobody) : HealthCheckResult.Degraded(nobody));
    }
}
