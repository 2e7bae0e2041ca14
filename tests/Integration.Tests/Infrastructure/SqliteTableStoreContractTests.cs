using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using Integration.Tests.Support;
using Xunit;

namespace Integration.Tests.Infrastructure;

/// <summary>One database file in a temporary folder, shared by the tests of a class and removed after them.</summary>
public sealed class TemporaryDatabaseFile : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tables-").FullName;

    public string FilePath => Path.Combine(folder, "integration.db");

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before deleting it.
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

[Trait("lane", "integration")]
public sealed class SqliteTableStoreContractTests(TemporaryDatabaseFile file)
    : TableStoreContractTests, IClassFixture<TemporaryDatabaseFile>
{
    private readonly ManualTimeProvider clock = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    protected override ITableStore CreateStore() => new SqliteTableStore(new SqliteDatabase(file.FilePath), clock);

    [Fact]
    public async Task Data_survives_reopening_the_database_file()
    {
        var etag = await Store.InsertAsync(Table, Entity("p", "r", ("V", 7L)), Ct);
        SqliteConnection.ClearAllPools();

        var reopened = new SqliteTableStore(new SqliteDatabase(file.FilePath), TimeProvider.System);
        var got = await reopened.GetAsync(Table, "p", "r", Ct);

        Assert.NotNull(got);
        Assert.Equal(etag, got.ETag);
        Assert.Equal(7L, got.Properties["V"]);
    }

    [Fact]
    public async Task Timestamp_is_the_write_time_of_the_injected_clock()
    {
        await Store.InsertAsync(Table, Entity("p", "r"), Ct);
        Assert.Equal(clock.GetUtcNow(), (await Store.GetAsync(Table, "p", "r", Ct))!.Timestamp);

        clock.Advance(TimeSpan.FromMinutes(5));
        await Store.MergeAsync(Table, Entity("p", "r", ("V", 1)), "*", Ct);

        Assert.Equal(clock.GetUtcNow(), (await Store.GetAsync(Table, "p", "r", Ct))!.Timestamp);
    }

    [Fact]
    public async Task Writes_with_a_standing_clock_still_get_new_etags()
    {
        var first = await Store.UpsertAsync(Table, Entity("p", "r"), Ct);
        var second = await Store.UpsertAsync(Table, Entity("p", "r"), Ct);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Int32_and_int64_properties_stay_distinct_in_filters()
    {
        await Store.InsertAsync(Table, Entity("p", "int", ("N", 5)), Ct);
        await Store.InsertAsync(Table, Entity("p", "long", ("N", 5L)), Ct);

        var ints = await ReadAllAsync(new TableQuery { PropertyEquals = new Dictionary<string, object?> { ["N"] = 5 } });
        var longs = await ReadAllAsync(new TableQuery { PropertyEquals = new Dictionary<string, object?> { ["N"] = 5L } });

        Assert.Equal("int", Assert.Single(ints).RowKey);
        Assert.Equal("long", Assert.Single(longs).RowKey);
    }

    // Not part of the shared contract: Azurite stores a whole-valued double as Int32 (Azure/Azurite#1366).
    [Fact]
    public async Task Whole_valued_doubles_stay_doubles()
    {
        await Store.InsertAsync(Table, Entity("p", "r", ("Whole", 2.0)), Ct);

        var got = await Store.GetAsync(Table, "p", "r", Ct);

        Assert.Equal(2.0, Assert.IsType<double>(got!.Properties["Whole"]));
    }

    [Fact]
    public async Task Doubles_without_a_json_number_round_trip()
    {
        await Store.InsertAsync(Table, Entity("p", "r", ("NaN", double.NaN), ("Up", double.PositiveInfinity), ("Down", double.NegativeInfinity)), Ct);

        var got = (await Store.GetAsync(Table, "p", "r", Ct))!.Properties;

        Assert.True(double.IsNaN((double)got["NaN"]!));
        Assert.Equal(double.PositiveInfinity, got["Up"]);
        Assert.Equal(double.NegativeInfinity, got["Down"]);
    }
}
