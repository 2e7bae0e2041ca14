using System.Text.Json;
using Integration.Domain.Leads;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Leads;

/// <summary>
/// The listing index of leads, so <c>GET /api/leads</c> never reads every lead: one row per lead in
/// partition <c>all</c> (for those who see everything) and one in <c>principal|{id}</c> for each
/// principal that may see it (the submitter and every recipient department), ordered by lead id.
/// Each row carries the lead's state, so status and overdue clocks are judged on the current
/// calendar without opening the record. Written by the record store after each commit of a lead.
/// </summary>
public sealed class LeadIndex(ITableStore store) : IRecordProjection<LeadState>
{
    public const string Table = "LeadIndex";
    public const string AllPartition = "all";

    private int tableReady;

    public string Kind => LeadMachine.Kind;

    public static string PrincipalPartition(string principal) => "principal|" + principal;

    public async Task ProjectAsync(Record<LeadState> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureTableAsync(cancellationToken);
        var state = record.State;
        var json = JsonSerializer.Serialize(state, RecordJson.Options);
        // Exactly the principals that may read the lead (RecordAccess), so a listing never reads a row it would hide.
        var partitions = state.Parties.Select(PrincipalPartition).Prepend(AllPartition).Distinct(StringComparer.Ordinal);
        foreach (var partition in partitions)
        {
            var properties = new Dictionary<string, object?> { ["RecordVersion"] = record.Version };
            LongText.Put(properties, "State", json);
            await ProjectionRows.WriteIfNewerAsync(store, Table, new TableEntity(partition, state.LeadId, properties), record.Version, cancellationToken);
        }
    }

    /// <summary>The leads of a partition in lead-id order, after <paramref name="after"/> (exclusive); the caller stops reading when its page is full.</summary>
    public async IAsyncEnumerable<LeadState> ReadAsync(
        string partition, string? after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await foreach (var row in ProjectionRows.ReadAfterAsync(store, Table, partition, after, 200, cancellationToken))
        {
            yield return JsonSerializer.Deserialize<LeadState>(LongText.Get(row, "State") ?? "null", RecordJson.Options)
                ?? throw new InvalidOperationException($"Lead index row {row.PartitionKey}/{row.RowKey} has no state.");
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref tableReady) == 0)
        {
            await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
            Volatile.Write(ref tableReady, 1);
        }
    }
}

/// <summary>
/// Builds the index for leads stored before it existed: once per store (a marker row records it),
/// in the background at start-up. Projections are idempotent, so a run cut short is simply redone.
/// </summary>
public sealed class LeadIndexBackfill(RecordStore records, LeadIndex index, ITableStore store, ILogger<LeadIndexBackfill> logger) : BackgroundService
{
    private const string Marker = "lead-index-built";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await store.CreateTableIfNotExistsAsync(LeadIndex.Table, stoppingToken);
            if (await store.GetAsync(LeadIndex.Table, Marker, Marker, stoppingToken) is not null)
            {
                return;
            }

            var projected = 0;
            await foreach (var record in records.ScanAsync<LeadState>(LeadMachine.Kind, stoppingToken))
            {
                await index.ProjectAsync(record, stoppingToken);
                projected++;
            }

            await store.UpsertAsync(LeadIndex.Table, new TableEntity(Marker, Marker, new Dictionary<string, object?> { ["Projected"] = projected }), stoppingToken);
            if (projected > 0)
            {
                logger.LogInformation("Lead index built for {Count} leads stored before it existed", projected);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Building the lead index failed; it is retried at the next start");
        }
    }
}
