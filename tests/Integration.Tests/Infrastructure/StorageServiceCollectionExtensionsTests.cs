using Integration.Domain.Storage;
using Integration.Functions.Infrastructure;
using Integration.Functions.Infrastructure.AzureTables;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Integration.Tests.Infrastructure;

public sealed class StorageServiceCollectionExtensionsTests
{
    [Fact]
    public void Sqlite_is_the_default_provider()
    {
        var folder = Directory.CreateTempSubdirectory("storage-").FullName;
        try
        {
            using var provider = Build(new() { ["Storage:DataPath"] = folder });

            Assert.IsType<SqliteTableStore>(provider.GetRequiredService<ITableStore>());
            Assert.Equal(Path.Combine(folder, "integration.db"), provider.GetRequiredService<SqliteDatabase>().FilePath);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AzureTables_provider_uses_the_connection_string()
    {
        using var provider = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<AzureTableStore>(provider.GetRequiredService<ITableStore>());
    }

    [Fact]
    public void AzureTables_provider_without_connection_string_fails_at_start_up()
    {
        using var provider = Build(new() { ["Storage:Provider"] = "AzureTables" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unparsable_connection_string_names_the_setting_without_quoting_it()
    {
        using var provider = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = "AccountKey=secret;nonsense",
        });

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ITableStore>());

        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddTableStore(configuration).BuildServiceProvider();
    }
}
