using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.AzureTables;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Infrastructure;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StorageOptions"/> (section <c>Storage</c>), the embedded <see cref="SqliteDatabase"/>
    /// and the <see cref="ITableStore"/> chosen by <see cref="StorageOptions.Provider"/>.
    /// A missing connection string for Azure Table storage stops the host at start-up.
    /// </summary>
    public static IServiceCollection AddTableStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(
                options => options.Provider != StorageProvider.AzureTables || !string.IsNullOrWhiteSpace(options.ConnectionString),
                $"{StorageOptions.Section}:{nameof(StorageOptions.Provider)} is {nameof(StorageProvider.AzureTables)}, which needs {StorageOptions.Section}:{nameof(StorageOptions.ConnectionString)}.")
            .Validate(
                options => Enum.IsDefined(options.Provider),
                $"{StorageOptions.Section}:{nameof(StorageOptions.Provider)} must be {nameof(StorageProvider.Sqlite)} or {nameof(StorageProvider.AzureTables)}.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => SqliteDatabase.FromOptions(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<ITableStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Provider switch
            {
                StorageProvider.AzureTables => CreateAzureTableStore(options.ConnectionString!),
                _ => new SqliteTableStore(provider.GetRequiredService<SqliteDatabase>(), provider.GetRequiredService<TimeProvider>()),
            };
        });
        return services;
    }

    private static AzureTableStore CreateAzureTableStore(string connectionString)
    {
        try
        {
            return new AzureTableStore(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // The SDK's message may quote the account key; name the setting instead.
            throw new InvalidOperationException(
                $"{StorageOptions.Section}:{nameof(StorageOptions.ConnectionString)} is not a valid Azure Storage connection string.", ex);
        }
    }
}
