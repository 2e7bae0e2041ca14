using Azure.Data.Tables;
using Integration.Functions.Infrastructure.Azure;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Infrastructure;

/// <summary>
/// Checks the <c>Storage</c> section at start-up and names every key that is wrong. A connection string is parsed
/// (which contacts nothing) but never quoted: it may hold the account key.
/// </summary>
internal sealed class StorageOptionsValidation : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"{StorageOptions.ProviderKey} must be {nameof(StorageProvider.Sqlite)} or {nameof(StorageProvider.AzureTables)}.");
        }
        else if (options.Provider == StorageProvider.AzureTables)
        {
            ValidateAzureTables(options, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateAzureTables(StorageOptions options, List<string> failures)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasEndpoint = !string.IsNullOrWhiteSpace(options.TableEndpoint);
        if (hasConnectionString == hasEndpoint)
        {
            failures.Add(hasConnectionString
                ? $"{StorageOptions.ProviderKey} is {nameof(StorageProvider.AzureTables)}: set {StorageOptions.ConnectionStringKey} or {StorageOptions.TableEndpointKey}, not both."
                : $"{StorageOptions.ProviderKey} is {nameof(StorageProvider.AzureTables)}, which needs {StorageOptions.ConnectionStringKey} or {StorageOptions.TableEndpointKey}.");
            return;
        }

        if (hasConnectionString && !IsConnectionString(options.ConnectionString!))
        {
            failures.Add($"{StorageOptions.ConnectionStringKey} is not a valid Azure Storage connection string with a table endpoint (its value is not shown: it may hold the account key).");
        }

        if (hasEndpoint && !AzureCredentials.IsHttpsUri(options.TableEndpoint!))
        {
            failures.Add($"{StorageOptions.TableEndpointKey} must be an absolute https URI such as https://<account>.table.core.windows.net.");
        }
    }

    private static bool IsConnectionString(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
