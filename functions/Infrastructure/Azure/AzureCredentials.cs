using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Integration.Functions.Infrastructure.Azure;

/// <summary>
/// The one <see cref="TokenCredential"/> the Azure adapters share: a <see cref="DefaultAzureCredential"/> (managed
/// identity on Azure, a developer's sign-in locally) on the configured cloud. The authority host is configuration
/// because Azure China (21Vianet) signs in at <c>https://login.chinacloudapi.cn</c>, not the public cloud's host.
/// </summary>
public static class AzureCredentials
{
    public const string AuthorityHostKey = "Azure:AuthorityHost";
    public const string ManagedIdentityClientIdKey = "Azure:ManagedIdentityClientId";

    /// <summary>Registers the credential once; building it contacts nothing (tokens are fetched on first use).</summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<TokenCredential>(_ => Create(configuration));
        return services;
    }

    public static DefaultAzureCredential Create(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new DefaultAzureCredentialOptions();
        if (configuration[AuthorityHostKey] is { Length: > 0 } authority)
        {
            options.AuthorityHost = Uri.TryCreate(authority, UriKind.Absolute, out var host) && host.Scheme == Uri.UriSchemeHttps
                ? host
                : throw new InvalidOperationException($"{AuthorityHostKey} must be an https URL such as https://login.chinacloudapi.cn; '{authority}' is not.");
        }

        if (configuration[ManagedIdentityClientIdKey] is { Length: > 0 } clientId)
        {
            // A user-assigned identity; without it the system-assigned identity is used.
            options.ManagedIdentityClientId = clientId;
        }

        return new DefaultAzureCredential(options);
    }
}
