using Integration.Domain.Storage;
using Xunit;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// The behaviour every <see cref="ITableStore"/> adapter owes its callers. Each concrete subclass
/// runs all of these facts against one adapter; each test works in a table of its own.
/// </summary>
public abstract class TableStoreContractTests
{
    private ITableStore? store;

    protected ITableStore Store => store ??= CreateStore();

    protected string Table { get; } = "t" + Guid.NewGuid().ToString("N");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store for this test; called once per test, and again for a second, independent writer.</summary>
    protected abstract ITableStore CreateStore();

    [Fact]
    public async Task Insert_then_get_round_trips_every_property_type()
    {
        var id = Guid.NewGuid();
        var when = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567);
        var etag = await Store.InsertAsync(Table, Entity("p", "r",
            ("Text", "héllo 你好 'quoted'"),
            ("Small", 42),
            ("Large", 1L << 40),
            ("Ratio", 3.25),
            ("Flag", true),
            ("When", when),
            ("Id", id),
            ("Bytes", new byte[] { 0, 1, 2, 254, 255 }),
            ("Absent", null)), Ct);

        var got = await Store.GetAsync(Table, "p", "r", Ct);

        Assert.NotNull(got);
        Assert.Equal(("p", "r"), (got.PartitionKey, got.RowKey));
        Assert.Equal(etag, got.ETag);
        Assert.NotNull(got.Timestamp);
        Assert.Equal("héllo 你好 'quoted'", Assert.IsType<string>(got.Properties["Text"]));
        Assert.Equal(42, Assert.IsType<int>(got.Properties["Small"]));
        Assert.Equal(1L << 40, Assert.IsType<long>(got.Properties["Large"]));
        Assert.Equal(3.25, Assert.IsType<double>(got.Properties["Ratio"]));
        Assert.True(Assert.IsType<bool>(got.Properties["Flag"]));
        var gotWhen = Assert.IsType<DateTimeOffset>(got.Properties["When"]);
        Assert.Equal(when.UtcDateTime, gotWhen.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, gotWhen.Offset);
        Assert.Equal(id, Assert.IsType<Guid>(got.Properties["Id"]));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, Assert.IsType<byte[]>(got.Properties["Bytes"]));
        Assert.False(got.Properties.ContainsKey("Absent"));
        Assert.Equal(8, got.Properties.Count);
    }

    [Fact]
    public async Task Get_of_a_missing_entity_returns_null()
    {
        await Store.InsertAsync(Table, Entity("p", "present"), Ct);

        Assert.Null(await Store.GetAsync(Table, "p", "absent", Ct));
        Assert.Null(await Store.GetAsync(Table, "other", "present", Ct));
    }

    [Fact]
    public async Task Create_table_if_not_exists_is_idempotent()
    {
        await Store.CreateTableIfNotExistsAsync(Table, Ct);
        await Store.InsertAsync(Table, Entity("p", "r"), Ct);
        await Store.CreateTableIfNotExistsAsync(Table, Ct);

        Assert.NotNull(await Store.GetAsync(Table, "p", "r", Ct));
    }

    [Fact]
    public async Task Insert_of_an_existing_entity_fails_with_conflict()
    {
        await Store.InsertAsync(Table, Entity("p", "r", ("V", 1)), Ct);

        await Fails(TableErrorKind.Conflict, () => Store.InsertAsync(Table, Entity("p", "r", ("V", 2)), Ct));

        Assert.Equal(1, (await Store.GetAsync(Table, "p", "r", Ct))!.Properties["V"]);
    }

    [Fact]
    public async Task Every_write_returns_a_new_etag()
    {
        var inserted = await Store.InsertAsync(Table, Entity("p", "r", ("V", 1)), Ct);
        var replaced = await Store.ReplaceAsync(Table, Entity("p", "r", ("V", 1)), inserted, Ct);
        var merged = await Store.MergeAsync(Table, Entity("p", "r", ("V", 1)), replaced, Ct);
        var upserted = await Store.UpsertAsync(Table, Entity("p", "r", ("V", 1)), Ct);

        Assert.Equal(4, new[] { inserted, replaced, merged, upserted }.Distinct().Count());
        Assert.Equal(upserted, (await Store.GetAsync(Table, "p", "r", Ct))!.ETag);
    }

    [Fact]
    public async Task Replace_with_current_etag_replaces_all_properties()
    {
        var etag = await Store.InsertAsync(Table, Entity("p", "r", ("Kept", "old"), ("Dropped", 1)), Ct);

        var newEtag = await Store.ReplaceAsync(Table, Entity("p", "r", ("Kept", "new")), etag, Ct);

        var got = await Store.GetAsync(Table, "p", "r", Ct);
        Assert.Equal(newEtag, got!.ETag);
        Assert.Equal("new", got.Properties["Kept"]);
        Assert.False(got.Properties.ContainsKey("Dropped"));
    }

    [Fact]
    public async Task Replace_with_stale_etag_fails_with_precondition_failed()
    {
        var stale = await Store.InsertAsync(Table, Entity("p", "r", ("V", 1)), Ct);
        await Store.ReplaceAsync(Table, Entity("p", "r", ("V", 2)), stale, Ct);

        await Fails(TableErrorKind.PreconditionFailed, () => Store.ReplaceAsync(Table, Entity("p", "r", ("V", 3)), stale, Ct));

        Assert.Equal(2, (await Store.GetAsync(Table, "p", "r", Ct))!.Properties["V"]);
    }

    [Fact]
    public async Task Replace_with_star_overwrites_any_version()
    {
        var stale = await Store.InsertAsync(Table, Entity("p", "r", ("V", 1)), Ct);
        await Store.ReplaceAsync(Table, Entity("p", "r", ("V", 2)), stale, Ct);

        await Store.ReplaceAsync(Table, Entity("p", "r", ("V", 3)), "*", Ct);

        Assert.Equal(3, (await Store.GetAsync(Table, "p", "r", Ct))!.Properties["V"]);
    }

    [Fact]
    public async Task Replace_of_a_missing_entity_fails_with_not_found()
    {
        var deletedEtag = await Store.InsertAsync(Table, Entity("p", "deleted"), Ct);
        await Store.DeleteAsync(Table, "p", "deleted", "*", Ct);

        await Fails(TableErrorKind.NotFound, () => Store.ReplaceAsync(Table, Entity("p", "missing"), "*", Ct));
        await Fails(TableErrorKind.NotFound, () => Store.ReplaceAsync(Table, Entity("p", "deleted"), deletedEtag, Ct));
    }

    [Fact]
    public async Task Merge_with_current_etag_keeps_properties_it_does_not_name()
    {
        var etag = await Store.InsertAsync(Table, Entity("p", "r", ("Kept", "old"), ("Changed", 1)), Ct);

        await Store.MergeAsync(Table, Entity("p", "r", ("Changed", 2), ("Added", true), ("Ignored", null)), etag, Ct);

        var got = await Store.GetAsync(Table, "p", "r", Ct);
        Assert.Equal("old", got!.Properties["Kept"]);
        Assert.Equal(2, got.Properties["Changed"]);
        Assert.Equal(true, got.Properties["Added"]);
        Assert.False(got.Properties.ContainsKey("Ignored"));
    }

    [Fact]
    public async Task Merge_with_stale_etag_fails_with_precondition_failed()
    {
        var stale = await Store.InsertAsync(Table, Entity("p", "r", ("V", 1)), Ct);
        await Store.MergeAsync(Table, Entity("p", "r", ("V", 2)), stale, Ct);

        await Fails(TableErrorKind.PreconditionFailed, () => Store.MergeAsync(Table, Entity("p", "r", ("V", 3)), stale, Ct));
    }

    [Fact]
    public async Task Merge_with_star_updates_any_version()
    {
        await Store.InsertAsync(Table, Entity("p", "r", ("V", 1), ("W", "w")), Ct);

        await Store.MergeAsync(Table, Entity("p", "r", ("V", 2)), "*", Ct);

        var got = await Store.GetAsync(Table, "p", "r", Ct);
        Assert.Equal(2, got!.Properties["V"]);
        Assert.Equal("w", got.Properties["W"]);
    }

    [Fact]
    public async Task Merge_of_a_missing_entity_fails_with_not_found()
    {
        await Store.CreateTableIfNotExistsAsync(Table, Ct);

        await Fails(TableErrorKind.NotFound, () => Store.MergeAsync(Table, Entity("p", "missing", ("V", 1)), "*", Ct));
    }

    [Fact]
    public async Task Delete_with_current_etag_removes_the_entity()
    {
        var etag = await Store.InsertAsync(Table, Entity("p", "r"), Ct);

        await Store.DeleteAsync(Table, "p", "r", etag, Ct);

        Assert.Null(await Store.GetAsync(Table, "p", "r", Ct));
    }

    [Fact]
    public async Task Delete_with_stale_etag_fails_with_precondition_failed()
    {
        var stale = await Store.InsertAsync(Table, Entity("p", "r", ("V", 1)), Ct);
        await Store.UpsertAsync(Table, Entity("p", "r", ("V", 2)), Ct);

        await Fails(TableErrorKind.PreconditionFailed, () => Store.DeleteAsync(Table, "p", "r", stale, Ct));

        Assert.NotNull(await Store.GetAsync(Table, "p", "r", Ct));
    }

    [Fact]
    public async Task Delete_with_star_removes_any_version()
    {
        await Store.InsertAsync(Table, Entity("p", "r"), Ct);

        await Store.DeleteAsync(Table, "p", "r", "*", Ct);

        Assert.Null(await Store.GetAsync(Table, "p", "r", Ct));
    }

    [Fact]
    public async Task Delete_of_a_missing_entity_fails_with_not_found()
    {
        await Store.CreateTableIfNotExistsAsync(Table, Ct);

        await Fails(TableErrorKind.NotFound, () => Store.DeleteAsync(Table, "p", "missing", "*", Ct));
        await Fails(TableErrorKind.NotFound, () => Store.DeleteAsync(Table, "p", "missing", "W/\"datetime'2020-01-01T00%3A00%3A00Z'\"", Ct));
    }

    [Fact]
    public async Task Upsert_inserts_a_new_entity_and_replaces_an_existing_one()
    {
        await Store.UpsertAsync(Table, Entity("p", "r", ("Dropped", 1)), Ct);
        Assert.Equal(1, (await Store.GetAsync(Table, "p", "r", Ct))!.Properties["Dropped"]);

        await Store.UpsertAsync(Table, Entity("p", "r", ("Kept", 2)), Ct);

        var got = await Store.GetAsync(Table, "p", "r", Ct);
        Assert.Equal(2, got!.Properties["Kept"]);
        Assert.False(got.Properties.ContainsKey("Dropped"));
    }

    [Fact]
    public async Task Racing_writers_with_the_same_etag_let_exactly_one_win()
    {
        var other = CreateStore();
        for (var round = 0; round < 5; round++)
        {
            var etag = await Store.UpsertAsync(Table, Entity("p", "r", ("Writer", "none")), Ct);
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = Task.Run(async () => { await go.Task; return await Store.ReplaceAsync(Table, Entity("p", "r", ("Writer", "first")), etag, Ct); }, Ct);
            var second = Task.Run(async () => { await go.Task; return await other.ReplaceAsync(Table, Entity("p", "r", ("Writer", "second")), etag, Ct); }, Ct);
            go.SetResult();

            var outcomes = await Task.WhenAll(Outcome(first), Outcome(second));

            var winners = outcomes.Where(o => o.ETag is not null).ToList();
            var winner = Assert.Single(winners);
            var loser = Assert.Single(outcomes, o => o.ETag is null);
            Assert.Equal(TableErrorKind.PreconditionFailed, loser.Error);
            var stored = await Store.GetAsync(Table, "p", "r", Ct);
            Assert.Equal(winner.ETag, stored!.ETag);
            Assert.Equal(outcomes[0].ETag is not null ? "first" : "second", stored.Properties["Writer"]);
        }
    }

    [Fact]
    public async Task Batch_applies_every_kind_of_operation_and_returns_their_etags()
    {
        var replaceEtag = await Store.InsertAsync(Table, Entity("p", "replace", ("V", 1)), Ct);
        var mergeEtag = await Store.InsertAsync(Table, Entity("p", "merge", ("V", 1), ("Kept", "k")), Ct);
        var deleteEtag = await Store.InsertAsync(Table, Entity("p", "delete"), Ct);
        await Store.InsertAsync(Table, Entity("p", "upsert", ("Dropped", 1)), Ct);

        var etags = await Store.ExecuteBatchAsync(Table,
        [
            TableOperation.Insert(Entity("p", "insert", ("V", 2))),
            TableOperation.Replace(Entity("p", "replace", ("V", 2)), replaceEtag),
            TableOperation.Merge(Entity("p", "merge", ("V", 2)), mergeEtag),
            TableOperation.Upsert(Entity("p", "upsert", ("V", 2))),
            TableOperation.Delete(Entity("p", "delete"), deleteEtag),
        ], Ct);

        Assert.Equal(5, etags.Count);
        Assert.Equal(string.Empty, etags[4]);
        var rows = await ReadAllAsync(TableQuery.Partition("p"));
        Assert.Equal(["insert", "merge", "replace", "upsert"], rows.Select(e => e.RowKey));
        Assert.All(rows, e => Assert.Equal(2, e.Properties["V"]));
        Assert.Equal("k", rows.Single(e => e.RowKey == "merge").Properties["Kept"]);
        Assert.False(rows.Single(e => e.RowKey == "upsert").Properties.ContainsKey("Dropped"));
        Assert.Equal(
            [etags[0], etags[2], etags[1], etags[3]],
            rows.Select(e => e.ETag!));
    }

    [Fact]
    public async Task Batch_whose_third_operation_conflicts_writes_nothing_and_names_index_2()
    {
        await Store.InsertAsync(Table, Entity("p", "c", ("V", "original")), Ct);

        var error = await Fails(TableErrorKind.Conflict, () => Store.ExecuteBatchAsync(Table,
        [
            TableOperation.Insert(Entity("p", "a")),
            // Not empty: Azurite cannot parse a batched PUT whose body is "{}".
            TableOperation.Upsert(Entity("p", "b", ("V", "batch"))),
            TableOperation.Insert(Entity("p", "c", ("V", "batch"))),
            TableOperation.Insert(Entity("p", "d")),
        ], Ct));

        Assert.Equal(2, error.FailedOperationIndex);
        var rows = await ReadAllAsync(TableQuery.Partition("p"));
        var only = Assert.Single(rows);
        Assert.Equal("original", only.Properties["V"]);
    }

    [Fact]
    public async Task Batch_with_a_stale_etag_writes_nothing_and_names_the_operation()
    {
        var stale = await Store.InsertAsync(Table, Entity("p", "r", ("V", 1)), Ct);
        await Store.UpsertAsync(Table, Entity("p", "r", ("V", 2)), Ct);

        var error = await Fails(TableErrorKind.PreconditionFailed, () => Store.ExecuteBatchAsync(Table,
        [
            TableOperation.Insert(Entity("p", "new")),
            TableOperation.Replace(Entity("p", "r", ("V", 3)), stale),
        ], Ct));

        Assert.Equal(1, error.FailedOperationIndex);
        Assert.Null(await Store.GetAsync(Table, "p", "new", Ct));
        Assert.Equal(2, (await Store.GetAsync(Table, "p", "r", Ct))!.Properties["V"]);
    }

    [Fact]
    public async Task Batch_of_100_operations_succeeds()
    {
        var operations = Enumerable.Range(0, 100).Select(i => TableOperation.Insert(Entity("p", $"r{i:D3}", ("I", i)))).ToList();

        var etags = await Store.ExecuteBatchAsync(Table, operations, Ct);

        Assert.Equal(100, etags.Count);
        Assert.Equal(100, (await ReadAllAsync(TableQuery.Partition("p"))).Count);
    }

    [Fact]
    public async Task Batch_of_101_operations_is_rejected()
    {
        var operations = Enumerable.Range(0, 101).Select(i => TableOperation.Insert(Entity("p", $"r{i:D3}"))).ToList();

        var error = await Fails(TableErrorKind.InvalidBatch, () => Store.ExecuteBatchAsync(Table, operations, Ct));

        Assert.Equal(100, error.FailedOperationIndex);
        Assert.Empty(await ReadAllAsync(TableQuery.Partition("p")));
    }

    [Fact]
    public async Task Batch_across_partitions_is_rejected()
    {
        var error = await Fails(TableErrorKind.InvalidBatch, () => Store.ExecuteBatchAsync(Table,
        [
            TableOperation.Insert(Entity("p1", "a")),
            TableOperation.Insert(Entity("p2", "b")),
        ], Ct));

        Assert.Equal(1, error.FailedOperationIndex);
        Assert.Empty(await ReadAllAsync(new TableQuery()));
    }

    [Fact]
    public async Task Batch_naming_one_row_twice_is_rejected()
    {
        var error = await Fails(TableErrorKind.InvalidBatch, () => Store.ExecuteBatchAsync(Table,
        [
            TableOperation.Insert(Entity("p", "a")),
            TableOperation.Upsert(Entity("p", "a")),
        ], Ct));

        Assert.Equal(1, error.FailedOperationIndex);
    }

    [Fact]
    public async Task Empty_batch_is_rejected()
    {
        await Fails(TableErrorKind.InvalidBatch, () => Store.ExecuteBatchAsync(Table, [], Ct));
    }

    [Fact]
    public async Task Paging_through_250_entities_visits_each_exactly_once_in_order()
    {
        var expected = Enumerable.Range(0, 250).Select(i => $"row-{i:D3}").ToList();
        foreach (var chunk in expected.OrderByDescending(k => k, StringComparer.Ordinal).Chunk(100))
        {
            await Store.ExecuteBatchAsync(Table, chunk.Select(k => TableOperation.Insert(Entity("p", k))).ToList(), Ct);
        }

        await Store.InsertAsync(Table, Entity("other", "row-000"), Ct);

        var pages = await ReadPagesAsync(TableQuery.Partition("p", pageSize: 100));

        Assert.All(pages, page => Assert.InRange(page.Entities.Count, 0, 100));
        Assert.True(pages.Count >= 3, $"250 entities in pages of 100 need at least 3 pages, got {pages.Count}.");
        Assert.Equal(expected, pages.SelectMany(p => p.Entities).Select(e => e.RowKey));
        Assert.All(pages.SelectMany(p => p.Entities), e => Assert.Equal("p", e.PartitionKey));
    }

    [Fact]
    public async Task Row_key_prefix_query_returns_only_matching_rows_of_the_partition()
    {
        await Store.ExecuteBatchAsync(Table,
            new[] { "ap", "app", "apple-1", "apple-2", "apq", "banana", "applf" }
                .Select(k => TableOperation.Insert(Entity("p", k)))
                .ToList(),
            Ct);
        await Store.InsertAsync(Table, Entity("q", "apple-3"), Ct);

        var rows = await ReadAllAsync(TableQuery.RowKeyPrefix("p", "app", pageSize: 2));

        Assert.Equal(["app", "apple-1", "apple-2", "applf"], rows.Select(e => e.RowKey));
    }

    [Fact]
    public async Task Row_key_prefix_query_includes_keys_that_continue_beyond_the_basic_plane()
    {
        await Store.ExecuteBatchAsync(Table,
            new[] { "app", "app\uffff", "app\U0001F600", "apq", "ap\U0001F600" }
                .Select(k => TableOperation.Insert(Entity("p", k)))
                .ToList(),
            Ct);

        var rows = await ReadAllAsync(TableQuery.RowKeyPrefix("p", "app"));

        Assert.Equal(["app", "app\U0001F600", "app\uffff"], rows.Select(e => e.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Row_key_prefix_query_without_partition_spans_partitions()
    {
        await Store.InsertAsync(Table, Entity("p", "apple-1"), Ct);
        await Store.InsertAsync(Table, Entity("p", "banana"), Ct);
        await Store.InsertAsync(Table, Entity("q", "apple-2"), Ct);

        var rows = await ReadAllAsync(TableQuery.RowKeyPrefix(null, "apple"));

        Assert.Equal([("p", "apple-1"), ("q", "apple-2")], rows.Select(e => (e.PartitionKey, e.RowKey)));
    }

    [Fact]
    public async Task Row_key_range_includes_from_and_excludes_to()
    {
        await Store.ExecuteBatchAsync(Table,
            new[] { "a", "b", "c", "d" }.Select(k => TableOperation.Insert(Entity("p", k))).ToList(),
            Ct);

        var rows = await ReadAllAsync(new TableQuery { PartitionKey = "p", RowKeyFrom = "b", RowKeyTo = "d" });

        Assert.Equal(["b", "c"], rows.Select(e => e.RowKey));
    }

    [Fact]
    public async Task Property_equality_query_matches_typed_values_across_sparse_pages()
    {
        var ids = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToList();
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Store.ExecuteBatchAsync(Table, Enumerable.Range(0, 30).Select(i => TableOperation.Insert(Entity("p", $"r{i:D2}",
            ("Color", i % 3 == 0 ? "red" : "blue"),
            ("Even", i % 2 == 0),
            ("Size", i),
            ("Big", i * 10_000_000_000L),
            ("Ratio", i + 0.5),
            ("Id", ids[i]),
            ("When", start.AddHours(i)),
            ("Code", new[] { (byte)i, (byte)7 }))))
            .ToList(), Ct);

        async Task<string[]> Matching(params (string Name, object Value)[] equals) =>
            (await ReadAllAsync(new TableQuery
            {
                PartitionKey = "p",
                PropertyEquals = equals.ToDictionary(e => e.Name, e => (object?)e.Value),
                PageSize = 2,
            })).Select(e => e.RowKey).ToArray();

        Assert.Equal(["r00", "r06", "r12", "r18", "r24"], await Matching(("Color", "red"), ("Even", true)));
        Assert.Equal(["r07"], await Matching(("Size", 7)));
        Assert.Equal(["r08"], await Matching(("Big", 80_000_000_000L)));
        Assert.Equal(["r09"], await Matching(("Ratio", 9.5)));
        Assert.Equal(["r10"], await Matching(("Id", ids[10])));
        Assert.Equal(["r11"], await Matching(("When", start.AddHours(11))));
        Assert.Equal(["r12"], await Matching(("Code", new byte[] { 12, 7 })));
        Assert.Empty(await Matching(("Color", "green")));
        Assert.Empty(await Matching(("Missing", "x")));
    }

    [Theory]
    [InlineData("' or ''='")]
    [InlineData("x' or PartitionKey ne 'x")]
    [InlineData("a') or (PartitionKey ge '")]
    [InlineData("''")]
    public async Task Quotes_in_keys_and_values_are_data_and_never_broaden_a_query(string hostile)
    {
        await Store.InsertAsync(Table, Entity("a", "1", ("Color", "red")), Ct);
        await Store.InsertAsync(Table, Entity("b", "2", ("Color", "blue")), Ct);
        await Store.InsertAsync(Table, Entity(hostile, hostile, ("Color", hostile)), Ct);

        Assert.Equal([(hostile, hostile)], (await ReadAllAsync(TableQuery.Partition(hostile))).Select(e => (e.PartitionKey, e.RowKey)));
        Assert.Equal([hostile], (await ReadAllAsync(TableQuery.RowKeyPrefix(hostile, hostile))).Select(e => e.RowKey));
        Assert.Empty(await ReadAllAsync(TableQuery.Partition(hostile + "'")));
        Assert.Empty(await ReadAllAsync(TableQuery.RowKeyPrefix("a", hostile)));
        Assert.Empty(await ReadAllAsync(new TableQuery { PartitionKey = "a", RowKeyFrom = hostile, RowKeyTo = hostile + "z" }));
        var byValue = await ReadAllAsync(new TableQuery { PropertyEquals = new Dictionary<string, object?> { ["Color"] = hostile } });
        Assert.Equal([hostile], byValue.Select(e => e.RowKey));
        Assert.Empty(await ReadAllAsync(new TableQuery { PartitionKey = "a", PropertyEquals = new Dictionary<string, object?> { ["Color"] = hostile } }));
        Assert.NotNull(await Store.GetAsync(Table, hostile, hostile, Ct));
        Assert.Null(await Store.GetAsync(Table, "a", hostile, Ct));
    }

    [Fact]
    public async Task Query_without_partition_scans_every_partition_in_key_order()
    {
        await Store.InsertAsync(Table, Entity("b", "1"), Ct);
        await Store.InsertAsync(Table, Entity("a", "2"), Ct);
        await Store.InsertAsync(Table, Entity("a", "1"), Ct);
        await Store.InsertAsync(Table, Entity("c", "0"), Ct);

        var rows = await ReadAllAsync(new TableQuery { PageSize = 1 });

        Assert.Equal([("a", "1"), ("a", "2"), ("b", "1"), ("c", "0")], rows.Select(e => (e.PartitionKey, e.RowKey)));
    }

    [Fact]
    public async Task Query_of_an_empty_table_returns_one_empty_last_page()
    {
        await Store.CreateTableIfNotExistsAsync(Table, Ct);

        var page = await Store.QueryAsync(Table, TableQuery.Partition("p"), null, Ct);

        Assert.Empty(page.Entities);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Query_returns_full_entities_with_etags_and_timestamps()
    {
        var etag = await Store.InsertAsync(Table, Entity("p", "r", ("V", 5L)), Ct);

        var entity = Assert.Single(await ReadAllAsync(TableQuery.Partition("p")));

        Assert.Equal(etag, entity.ETag);
        Assert.NotNull(entity.Timestamp);
        Assert.Equal(5L, entity.Properties["V"]);
    }

    [Fact]
    public async Task Table_names_are_case_insensitive()
    {
        await Store.InsertAsync(Table, Entity("p", "r"), Ct);

        Assert.NotNull(await Store.GetAsync(Table.ToUpperInvariant(), "p", "r", Ct));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\tb")]
    [InlineData("a\u007fb")]
    public async Task Keys_with_characters_azure_forbids_are_rejected(string key)
    {
        await Fails(TableErrorKind.InvalidInput, () => Store.InsertAsync(Table, Entity(key, "r"), Ct));
        await Fails(TableErrorKind.InvalidInput, () => Store.InsertAsync(Table, Entity("p", key), Ct));
        await Fails(TableErrorKind.InvalidInput, () => Store.GetAsync(Table, "p", key, Ct));
        await Fails(TableErrorKind.InvalidInput, () => Store.DeleteAsync(Table, key, "r", "*", Ct));
        await Fails(TableErrorKind.InvalidInput, () => Store.QueryAsync(Table, TableQuery.Partition(key), null, Ct));
        var error = await Fails(TableErrorKind.InvalidInput, () => Store.ExecuteBatchAsync(Table,
            [TableOperation.Insert(Entity("p", "ok")), TableOperation.Insert(Entity("p", key))], Ct));
        Assert.Equal(1, error.FailedOperationIndex);
    }

    [Fact]
    public async Task Keys_longer_than_1_KiB_are_rejected()
    {
        await Fails(TableErrorKind.InvalidInput, () => Store.InsertAsync(Table, Entity(new string('k', 1025), "r"), Ct));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("abc-def")]
    [InlineData("abc_def")]
    [InlineData("tables")]
    [InlineData("abc\n")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public async Task Invalid_table_names_are_rejected(string table)
    {
        await Fails(TableErrorKind.InvalidInput, () => Store.CreateTableIfNotExistsAsync(table, Ct));
        await Fails(TableErrorKind.InvalidInput, () => Store.InsertAsync(table, Entity("p", "r"), Ct));
        await Fails(TableErrorKind.InvalidInput, () => Store.GetAsync(table, "p", "r", Ct));
        await Fails(TableErrorKind.InvalidInput, () => Store.QueryAsync(table, new TableQuery(), null, Ct));
    }

    [Theory]
    [InlineData("PartitionKey")]
    [InlineData("Timestamp")]
    [InlineData("1abc")]
    [InlineData("with space")]
    public async Task Invalid_property_names_are_rejected(string name)
    {
        await Fails(TableErrorKind.InvalidInput, () => Store.InsertAsync(Table, Entity("p", "r", (name, 1)), Ct));
    }

    [Fact]
    public async Task Property_values_of_other_types_are_rejected()
    {
        await Fails(TableErrorKind.InvalidInput, () => Store.InsertAsync(Table, Entity("p", "r", ("Amount", 1.5m)), Ct));
        await Fails(TableErrorKind.InvalidInput, () => Store.InsertAsync(Table, Entity("p", "r", ("Date", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc))), Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Page_sizes_outside_1_to_1000_are_rejected(int pageSize)
    {
        await Fails(TableErrorKind.InvalidInput, () => Store.QueryAsync(Table, TableQuery.Partition("p", pageSize), null, Ct));
    }

    [Fact]
    public async Task A_continuation_token_the_store_did_not_issue_is_rejected()
    {
        await Fails(TableErrorKind.InvalidInput, () => Store.QueryAsync(Table, TableQuery.Partition("p"), "not a token!", Ct));
    }

    [Fact]
    public async Task Ping_succeeds_when_the_store_is_reachable()
    {
        await Store.PingAsync(Ct);
    }

    protected static TableEntity Entity(string partitionKey, string rowKey, params (string Name, object? Value)[] properties) =>
        new(partitionKey, rowKey, properties.ToDictionary(p => p.Name, p => p.Value));

    protected static async Task<TableStoreException> Fails(TableErrorKind kind, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<TableStoreException>(action);
        Assert.Equal(kind, error.Kind);
        return error;
    }

    protected async Task<List<TablePage>> ReadPagesAsync(TableQuery query)
    {
        var pages = new List<TablePage>();
        string? token = null;
        do
        {
            var page = await Store.QueryAsync(Table, query, token, Ct);
            Assert.True(page.Entities.Count <= query.PageSize, $"A page of {query.PageSize} held {page.Entities.Count} entities.");
            pages.Add(page);
            token = page.ContinuationToken;
            Assert.True(pages.Count < 10_000, "The query never ended.");
        }
        while (token is not null);

        return pages;
    }

    protected async Task<List<TableEntity>> ReadAllAsync(TableQuery query) =>
        (await ReadPagesAsync(query)).SelectMany(p => p.Entities).ToList();

    private static async Task<(string? ETag, TableErrorKind? Error)> Outcome(Task<string> write)
    {
        try
        {
            return (await write, null);
        }
        catch (TableStoreException ex)
        {
            return (null, ex.Kind);
        }
    }
}
