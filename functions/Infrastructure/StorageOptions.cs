namespace Integration.Functions.Infrastructure;

public enum StorageProvider
{
    Sqlite,
    AzureTables,
}

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string ProviderKey = $"{Section}:{nameof(Provider)}";
    public const string ConnectionStringKey = $"{Section}:{nameof(ConnectionString)}";
    public const string TableEndpointKey = $"{Section}:{nameof(TableEndpoint)}";
    public const string BlobEndpointKey = $"{Section}:{nameof(BlobEndpoint)}";

    /// <summary><c>Sqlite</c> (the embedded default) or <c>AzureTables</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Azure Storage connection string; <c>UseDevelopmentStorage=true</c> for Azurite. Exclusive with <see cref="TableEndpoint"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Table service endpoint, e.g. <c>https://&lt;account&gt;.table.core.windows.net</c> (<c>.table.core.chinacloudapi.cn</c>
    /// in Azure China), reached with the app's <c>DefaultAzureCredential</c>. Exclusive with <see cref="ConnectionString"/>.
    /// </summary>
    public string? TableEndpoint { get; set; }

    /// <summary>
    /// Blob service endpoint for report artefacts, e.g. <c>https://&lt;account&gt;.blob.core.windows.net</c>, reached with the
    /// app's credential; with <see cref="ConnectionString"/> instead, its blob endpoint is used.
    /// </summary>
    public string? BlobEndpoint { get; set; }

    /// <summary>Folder that holds the embedded database file (created if missing).</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>File name of the embedded database inside <see cref="DataPath"/>.</summary>
    public string DatabaseFile { get; set; } = "integration.db";
}
