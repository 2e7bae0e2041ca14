using Azure.Core;
using Azure.Storage.Blobs;
using Integration.Functions.Infrastructure.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Infrastructure.Artefacts;

public static class ArtefactStoreServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="IArtefactStore"/> that follows <c>Storage:Provider</c>: files under the data folder with the embedded
    /// store, Blob storage with Azure Table storage, by <c>Storage:BlobEndpoint</c> with the app's credential or by
    /// <c>Storage:ConnectionString</c> (Azurite). A missing blob setting stops the host at start-up, naming the key.
    /// Registers the handler that answers a corrupt artefact with its own problem.
    /// </summary>
    public static IServiceCollection AddArtefactStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddAzureCredential(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, ArtefactStorageValidation>());
        services.TryAddSingleton<IArtefactStore>(provider =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return storage.Provider == StorageProvider.AzureTables
                ? new BlobArtefactStore(BlobContainer(storage, provider.GetRequiredService<TokenCredential>()))
                : new FileArtefactStore(Path.Combine(storage.DataPath, FileArtefactStore.FolderName));
        });

        // A document that fails its hash check is answered as such (500 artefact-corrupt), not as an unknown fault.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, ArtefactCorruptProblem>());
        return services;
    }

    /// <summary>The endpoint with the credential when it is set (Azure), else the connection string (Azurite, or a key where one is allowed).</summary>
    public static BlobContainerClient BlobContainer(StorageOptions storage, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var service = string.IsNullOrWhiteSpace(storage.BlobEndpoint)
            ? new BlobServiceClient(storage.ConnectionString)
            : new BlobServiceClient(new Uri(storage.BlobEndpoint, UriKind.Absolute), credential);
        return service.GetBlobContainerClient(BlobArtefactStore.DefaultContainer);
    }
}

/// <summary>With Azure Table storage the artefacts go to Blob storage: by connection string, or by an https <c>Storage:BlobEndpoint</c>.</summary>
internal sealed class ArtefactStorageValidation : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.BlobEndpoint) && !AzureCredentials.IsHttpsUri(options.BlobEndpoint))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.BlobEndpointKey} must be an absolute https URI such as https://<account>.blob.core.windows.net.");
        }

        return options.Provider == StorageProvider.AzureTables && string.IsNullOrWhiteSpace(options.ConnectionString) && string.IsNullOrWhiteSpace(options.BlobEndpoint)
            ? ValidateOptionsResult.Fail($"{StorageOptions.ProviderKey} is {nameof(StorageProvider.AzureTables)} with {StorageOptions.TableEndpointKey}: report artefacts also need {StorageOptions.BlobEndpointKey}.")
            : ValidateOptionsResult.Success;
    }
}
