using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Infrastructure.Azure;

/// <summary>
/// The <c>Azure</c> configuration section: which Microsoft Entra ID cloud to sign in to, and which managed identity to use.
/// Azure China (21Vianet) has its own authority host, so it is configuration, never a constant.
/// </summary>
public sealed class AzureIdentityOptions
{
    public const string Section = "Azure";

    /// <summary>The Entra ID authority, e.g. <c>https://login.chinacloudapi.cn</c> in Azure China; the public cloud when unset.</summary>
    public string? AuthorityHost { get; set; }

    /// <summary>Client id of a user-assigned managed identity; the system-assigned identity when unset.</summary>
    public string? ManagedIdentityClientId { get; set; }
}

/// <summary>Checks the <c>Azure</c> section at start-up, naming each bad key.</summary>
public sealed class AzureIdentityOptionsValidation : IValidateOptions<AzureIdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureIdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.AuthorityHost) && !AzureCredentials.IsHttpsUri(options.AuthorityHost))
        {
            failures.Add($"{AzureCredentials.AuthorityHostKey} must be an absolute https URI, such as https://login.chinacloudapi.cn.");
        }

        if (!string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) && !Guid.TryParse(options.ManagedIdentityClientId, out _))
        {
            failures.Add($"{AzureCredentials.ManagedIdentityClientIdKey} must be the client id (a GUID) of a user-assigned managed identity.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// One <see cref="DefaultAzureCredential"/> for every Azure adapter of the app: managed identity on Azure, a developer's
/// Azure CLI or Visual Studio sign-in on a workstation. Registered once as <see cref="TokenCredential"/> and as the
/// default credential of the clients registered with <c>AddAzureClients</c>. Building it contacts nothing.
/// </summary>
public static class AzureCredentials
{
    public const string AuthorityHostKey = $"{AzureIdentityOptions.Section}:{nameof(AzureIdentityOptions.AuthorityHost)}";
    public const string ManagedIdentityClientIdKey = $"{AzureIdentityOptions.Section}:{nameof(AzureIdentityOptions.ManagedIdentityClientId)}";

    /// <summary>
    /// Registers <see cref="AzureIdentityOptions"/> (validated at start-up) and the shared <see cref="TokenCredential"/>.
    /// Safe to call from every adapter that needs it: the credential is registered once.
    /// </summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(TokenCredential)))
        {
            return services;
        }

        services.AddOptions<AzureIdentityOptions>()
            .Bind(configuration.GetSection(AzureIdentityOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureIdentityOptions>, AzureIdentityOptionsValidation>());
        services.TryAddSingleton<TokenCredential>(provider => Create(provider.GetRequiredService<IOptions<AzureIdentityOptions>>().Value));
        services.AddAzureClients(clients => clients.UseCredential(provider => provider.GetRequiredService<TokenCredential>()));
        return services;
    }

    /// <summary>The credential for <paramref name="options"/>; unset values keep the SDK's defaults.</summary>
    public static DefaultAzureCredential Create(AzureIdentityOptions options) => new(CredentialOptions(options));

    /// <summary>The options <see cref="Create"/> passes to <see cref="DefaultAzureCredential"/>.</summary>
    public static DefaultAzureCredentialOptions CredentialOptions(AzureIdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var credentialOptions = new DefaultAzureCredentialOptions();
        if (!string.IsNullOrWhiteSpace(options.AuthorityHost))
        {
            credentialOptions.AuthorityHost = new Uri(options.AuthorityHost, UriKind.Absolute);
        }

        if (!string.IsNullOrWhiteSpace(options.ManagedIdentityClientId))
        {
            credentialOptions.ManagedIdentityClientId = options.ManagedIdentityClientId;
        }

        return credentialOptions;
    }

    /// <summary>An absolute https URI: bearer tokens are never sent, nor asked for, in the clear.</summary>
    public static bool IsHttpsUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo);
}
