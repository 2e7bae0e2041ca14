using System.Net;
using Integration.Domain.Storage;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Platform;

/// <summary>When the store is gone: health says so, and requests fail with a problem that leaks nothing.</summary>
[Trait("lane", "integration")]
public sealed class FailureTests : IDisposable
{
    private readonly PlatformFactory platform = new PlatformFactory()
        .With("Storage:Provider", "AzureTables")
        .With("Storage:ConnectionString", Infrastructure.AzuriteFixture.ConnectionStringFor(Infrastructure.AzuriteFixture.FreeLoopbackPort()));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_is_503_naming_the_store_when_it_cannot_be_reached()
    {
        var response = await platform.CreateClient().GetAsync("/api/health", Ct);
        var body = await response.ReadJsonAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        Assert.Contains("AzureTableStore cannot be reached", body.GetProperty("checks").GetProperty("store").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_problem_without_internals()
    {
        using var broken = new PlatformFactory().WithServices(s => s.AddSingleton<ITableStore>(new BrokenStore()));
        var response = await broken.ClientFor("admin").GetAsync("/api/audit/approval/A-1", Ct);
        var problem = await response.ReadProblemAsync(HttpStatusCode.InternalServerError);
        var text = problem.GetRawText();
        Assert.DoesNotContain("BrokenStore", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", text, StringComparison.Ordinal);
        Assert.Equal("The platform failed to handle the request.", problem.GetProperty("title").GetString());
        Assert.True(problem.TryGetProperty("correlationId", out _));
    }

    public void Dispose() => platform.Dispose();

    internal sealed class BrokenStore : ITableStore
    {
        private static Exception Fail() => new InvalidOperationException("secret detail of BrokenStore");

        public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => throw Fail();

        public Task<TablePage> QueryAsync(string table, TableQuery query, string? continuationToken = null, CancellationToken cancellationToken = default) =>
            table == "Records" ? throw Fail() : Task.FromResult(new TablePage([], null));

        public Task<string> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) => throw Fail();

        public Task<string> ReplaceAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) => throw Fail();

        public Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) => throw Fail();

        public Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default) => throw Fail();

        public Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken = default) => throw Fail();

        public Task<IReadOnlyList<string>> ExecuteBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default) => throw Fail();

        public Task PingAsync(CancellationToken cancellationToken = default) => throw Fail();
    }
}
