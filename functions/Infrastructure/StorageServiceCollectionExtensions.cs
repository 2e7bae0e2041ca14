using Azure.Data.Tables;
using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.Azure;
using Integration.Functions.Infrastructure.AzureTables;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Infrastructure;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StorageOptions"/> (section <c>Storage</c>), the embedded <see cref="SqliteDatabase"/>
    /// and the <see cref="ITableStore"/> chosen by <see cref="StorageOptions.Provider"/>. For Azure Table storage the
    /// <see cref="TableServiceClient"/> comes from <c>AddAzureClients</c>: by connection string, or by endpoint with the
    /// app's shared credential. A missing or malformed setting stops the host at start-up, naming the key.
    /// </summary>
    public static IServiceCollection AddTableStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidation>());

        services.AddAzureCredential(configuration);
        // Chosen when the client is first asked for, from the validated options: tests and hosts may still change them after this call.
        services.AddAzureClients(clients => clients.AddClient<TableServiceClient, TableClientOptions>((clientOptions, credential, provider) =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return string.IsNullOrWhiteSpace(storage.ConnectionString)
                ? new TableServiceClient(new Uri(storage.TableEndpoint!, UriKind.Absolute), credential, clientOptions)
                : new TableServiceClient(storage.ConnectionString, clientOptions);
        }));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => SqliteDatabase.FromOptions(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<ITableStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Provider switch
            {
                StorageProvider.AzureTables => new AzureTableStore(provider.GetRequiredService<TableServiceClient>()),
                _ => new SqliteTableStore(provider.GetRequiredService<SqliteDatabase>(), provider.GetRequiredService<TimeProvider>()),
            };
        });
        return services;
    }
}
