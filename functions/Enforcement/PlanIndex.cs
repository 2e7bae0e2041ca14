using System.Text.Json;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Enforcement;

/// <summary>
/// The listing index of plans, so <c>GET /api/enforcement/plans</c> never reads every plan: one row per plan in
/// partition <c>all</c> (for those who see everything) and one in <c>principal|{id}</c> for each party (initiator, lead
/// department, participants), ordered by plan id. A row carries the plan's state without its roster and tasks (the
/// listing shows neither), so it stays small however large the draw, and the few facts per task the coordination report
/// counts (<see cref="PlanTaskFact"/>). Written by the record store after each commit.
/// </summary>
public sealed class PlanIndex(ITableStore store) : IRecordProjection<PlanState>
{
    public const string Table = "PlanIndex";
    public const string AllPartition = "all";

    private int tableReady;

    public string Kind => PlanMachine.Kind;

    public static string PrincipalPartition(string principal) => "principal|" + principal;

    public async Task ProjectStoredAsync(RecordStore records, RecordKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (await records.GetAsync<PlanState>(key, cancellationToken) is { } record)
        {
            await ProjectAsync(record, cancellationToken);
        }
    }

    public async Task ProjectAsync(Record<PlanState> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureTableAsync(cancellationToken);
        var state = record.State;
        var listed = state with { Draw = null, Tasks = [], Letters = [] };
        var json = JsonSerializer.Serialize(listed, RecordJson.Options);
        var facts = JsonSerializer.Serialize(state.Tasks.Select(PlanTaskFact.Of).ToArray(), RecordJson.Options);
        var partitions = new[] { AllPartition }.Concat(state.Parties.Concat(state.Letters.Select(l => l.To)).Select(PrincipalPartition)).Distinct(StringComparer.Ordinal);
        foreach (var partition in partitions)
        {
            var properties = new Dictionary<string, object?>
            {
                ["RecordVersion"] = record.Version,
                ["Tasks"] = state.Tasks.Count,
                ["TasksDone"] = state.Tasks.Count(t => t.Status == Domain.Enforcement.Plans.TaskStatus.Done),
            };
            LongText.Put(properties, "State", json);
            LongText.Put(properties, "TaskFacts", facts);
            await ProjectionRows.WriteIfNewerAsync(store, Table, new TableEntity(partition, state.PlanId, properties), record.Version, cancellationToken);
        }
    }

    /// <summary>The plans of a partition in plan-id order, after <paramref name="after"/> (exclusive), without roster and tasks.</summary>
    public async IAsyncEnumerable<PlanState> ReadAsync(
        string partition, string? after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (plan, _) in ReadRowsAsync(partition, after, cancellationToken))
        {
            yield return plan;
        }
    }

    /// <summary>Every plan with its task facts, in plan-id order: what the coordination report counts.</summary>
    public IAsyncEnumerable<(PlanState Plan, IReadOnlyList<PlanTaskFact> Tasks)> ReadWithTaskFactsAsync(CancellationToken cancellationToken = default) =>
        ReadRowsAsync(AllPartition, null, cancellationToken);

    private async IAsyncEnumerable<(PlanState Plan, IReadOnlyList<PlanTaskFact> Tasks)> ReadRowsAsync(
        string partition, string? after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await foreach (var row in ProjectionRows.ReadAfterAsync(store, Table, partition, after, 200, cancellationToken))
        {
            var plan = JsonSerializer.Deserialize<PlanState>(LongText.Get(row, "State") ?? "null", RecordJson.Options)
                ?? throw new InvalidOperationException($"Plan index row {row.PartitionKey}/{row.RowKey} has no state.");

            // Rows written before the facts were kept have none; the next commit of the plan rewrites its row.
            var tasks = JsonSerializer.Deserialize<PlanTaskFact[]>(LongText.Get(row, "TaskFacts") ?? "[]", RecordJson.Options) ?? [];
            yield return (plan, tasks);
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
