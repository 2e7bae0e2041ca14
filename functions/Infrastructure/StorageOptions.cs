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

    /// <summary><c>Sqlite</c> (the embedded default) or <c>AzureTables</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Azure Table storage connection string; <c>UseDevelopmentStorage=true</c> for Azurite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder that holds the embedded database file (created if missing).</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>File name of the embedded database inside <see cref="DataPath"/>.</summary>
    public string DatabaseFile { get; set; } = "integration.db";
}
