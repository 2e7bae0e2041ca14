using Integration.Functions.Platform.Orchestrations;
using Integration.Tests.Support;
using Xunit;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// Runs the Azurite table service pinned in shared/azurite for the tests of one collection.
/// A machine without Node.js, or an Azurite that does not start, fails the tests: the Azure adapter must never go untested.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? azurite;

    public string ConnectionString => azurite?.ConnectionString ?? string.Empty;

    public static string ConnectionStringFor(int port) => AzuriteProcess.ConnectionStringFor(port);

    public static int FreeLoopbackPort() => AzuriteProcess.FreeLoopbackPort();

    public async ValueTask InitializeAsync() =>
        azurite = await AzuriteProcess.StartAsync(RepositoryRoot.Path, CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        azurite?.Dispose();
        return ValueTask.CompletedTask;
    }
}

[CollectionDefinition(nameof(AzuriteCollection))]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
