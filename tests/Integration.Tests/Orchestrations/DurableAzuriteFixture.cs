using Integration.Functions.Platform.Orchestrations;
using Integration.Tests.Support;

namespace Integration.Tests.Orchestrations;

/// <summary>
/// Azurite's blob, queue and table services in memory, for task hubs: the Durable Task engine's Azure Storage provider
/// needs all three. Each test uses a task hub of its own on it.
/// </summary>
public sealed class DurableAzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? azurite;

    public string ConnectionString => azurite?.ConnectionString ?? string.Empty;

    public static string NewTaskHub() => "t" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>
    /// The environment of a built app that a crash drill kills and restarts: Development, its own data folder, this
    /// Azurite with a fresh task hub, no approval connector, and a visibility timeout short enough that work cut by a
    /// kill is delivered again within the drill.
    /// </summary>
    public Dictionary<string, string> DrillEnvironment(string dataPath) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Storage__DataPath"] = dataPath,
        ["Connectors__ApprovalSystem__BaseUrl"] = "",
        ["Durable__StorageConnectionString"] = ConnectionString,
        ["Durable__TaskHub"] = NewTaskHub(),
        ["Durable__WorkItemVisibilityTimeout"] = "00:00:10",
    };

    public async ValueTask InitializeAsync() =>
        azurite = await AzuriteProcess.StartAsync(
            new AzuriteStart(AzuriteProcess.PackageFolderIn(RepositoryRoot.Path), AzuriteServices.BlobQueueTable),
            CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        azurite?.Dispose();
        return ValueTask.CompletedTask;
    }
}

[CollectionDefinition(nameof(DurableAzuriteCollection))]
public sealed class DurableAzuriteCollection : ICollectionFixture<DurableAzuriteFixture>;
