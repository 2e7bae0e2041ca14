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
