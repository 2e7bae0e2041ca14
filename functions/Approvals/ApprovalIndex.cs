using System.Globalization;
using System.Text.Json;
using Integration.Domain.Approvals;
using Integration.Domain.Calendar;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Approvals;

/// <summary>One approval as a listing shows it, read from the index without opening the record.</summary>
public sealed record ApprovalIndexEntry(
    string ApprovalId,
    long Version,
    string ProjectCode,
    string ProjectName,
    string Industry,
    string RegionCode,
    string ApprovalKind,
    string TenderMethod,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<ApprovalPart> Parts)
{
    /// <summary>The status <paramref name="viewer"/>'s listing shows: its own part's, or the approval's as a whole.</summary>
    public string StatusFor(string? viewer, DateTimeOffset now, WorkingDayCalendar calendar) =>
        viewer is not null && Parts.FirstOrDefault(p => p.Department == viewer) is { } own
            ? own.StatusAt(now, calendar)
            : ApprovalState.StatusOf(Parts, now, calendar);
}

/// <summary>
/// Read models of the approval records, so listings and "who supervises this project" never scan
/// every record: one row per approval in partition <c>all</c>, one per routed department in
/// <c>department|{id}</c> (newest first), and one per approval under its project code.
/// Rows are derived from a committed state and written only over an older record version, so
/// concurrent writers cannot regress them. The record store writes them after each commit, never on
/// the caller's token, and a projection marker committed with the change lets its sweep redo a
/// projection that a crash or a failed write interrupted.
/// </summary>
public sealed class ApprovalIndex(ITableStore store) : IProjectSupervision, IRecordProjection<ApprovalState>
{
    public const string Table = "ApprovalIndex";
    public const string ProjectTable = "ApprovalProjects";
    public const string AllPartition = "all";

    private int tablesReady;

    public static string DepartmentPartition(string department) => "department|" + department;

    /// <summary>Newest first: inverted ticks of the first receipt, then the id.</summary>
    public static string RowKey(ApprovalState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return (DateTimeOffset.MaxValue.UtcTicks - state.ReceivedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + state.ApprovalId;
    }

    public string Kind => ApprovalService.Kind;

    public async Task ProjectAsync(Record<ApprovalState> record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureTablesAsync(cancellationToken);
        var state = record.State;
        var rowKey = RowKey(state);
        await WriteIfNewerAsync(Table, Row(AllPartition, rowKey, state, record.Version, OverallStatus(state)), record.Version, cancellationToken);
        foreach (var part in state.Parts)
        {
            var row = Row(DepartmentPartition(part.Department), rowKey, state, record.Version, StoredStatus(part.Status));
            await WriteIfNewerAsync(Table, row, record.Version, cancellationToken);
        }

        var project = new TableEntity(state.Current.ProjectCode, state.ApprovalId, new Dictionary<string, object?>
        {
            ["RecordVersion"] = record.Version,
            ["ClaimedBy"] = string.Join(',', state.ClaimedBy),
            ["Departments"] = string.Join(',', state.Parts.Select(p => p.Department)),

            // What the enforcement library needs of the project, so it lists targets without opening records.
            ["ProjectName"] = state.Current.ProjectName,
            ["OwnerCreditCode"] = state.Current.Owner.CreditCode,
            ["RegionCode"] = state.Current.RegionCode,
            ["Industry"] = state.Current.Industry,
            ["ReceivedAt"] = state.ReceivedAt,
        });
        await WriteIfNewerAsync(ProjectTable, project, record.Version, cancellationToken);

        // A corrected project code moves the approval to its new project.
        foreach (var old in state.Versions.Select(v => v.Submission.ProjectCode).Distinct(StringComparer.Ordinal).Where(c => c != state.Current.ProjectCode))
        {
            try
            {
                await store.DeleteAsync(ProjectTable, old, state.ApprovalId, "*", cancellationToken);
            }
            catch (TableStoreException e) when (e.Kind == TableErrorKind.NotFound)
            {
            }
        }
    }

    /// <summary>
    /// One page of the approvals routed to <paramref name="department"/> (or of all, when null), newest
    /// first, filtered by status. Pending and overdue depend on the clock and the calendar, so rows keep
    /// no due instant: those pages are filtered after reading, each part's claim clock counted on
    /// <paramref name="calendar"/> (a calendar reload moves them without rewriting a row), and may hold
    /// fewer than <paramref name="pageSize"/> items while a next page follows.
    /// </summary>
    public async Task<(IReadOnlyList<ApprovalIndexEntry> Items, string? NextPageToken)> ListAsync(
        string? department, string? status, int pageSize, string? pageToken, DateTimeOffset now, WorkingDayCalendar calendar, CancellationToken cancellationToken = default)
    {
        await EnsureTablesAsync(cancellationToken);
        var filter = new Dictionary<string, object?>();
        if (status is not null)
        {
            filter["Status"] = status == ApprovalStatus.Overdue ? ApprovalStatus.Pending : status;
        }

        var query = new TableQuery { PartitionKey = department is null ? AllPartition : DepartmentPartition(department), PropertyEquals = filter, PageSize = pageSize };
        var page = await store.QueryAsync(Table, query, pageToken, cancellationToken);
        var items = page.Entities
            .Select(ToEntry)
            .Where(entry => status is not (ApprovalStatus.Pending or ApprovalStatus.Overdue) || entry.StatusFor(department, now, calendar) == status)
            .ToArray();
        return (items, page.ContinuationToken);
    }

    public async Task<IReadOnlyList<string>> ClaimingDepartmentsAsync(string projectCode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectCode);
        await EnsureTablesAsync(cancellationToken);
        var departments = new SortedSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await store.QueryAsync(ProjectTable, TableQuery.Partition(projectCode, 1000), token, cancellationToken);
            foreach (var row in page.Entities)
            {
                departments.UnionWith((row.GetString("ClaimedBy") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries));
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        return departments.ToArray();
    }

    /// <summary>declined while a decline awaits the coordinator, pending while any part is unclaimed, else claimed.</summary>
    private static string OverallStatus(ApprovalState state) =>
        state.Parts.Any(p => p.AwaitsCoordinator) ? ApprovalStatus.Declined
        : state.Parts.Any(p => p.Status == ClaimStatus.Pending) ? ApprovalStatus.Pending
        : ApprovalStatus.Claimed;

    private static string StoredStatus(ClaimStatus status) => status switch
    {
        ClaimStatus.Pending => ApprovalStatus.Pending,
        ClaimStatus.Claimed => ApprovalStatus.Claimed,
        ClaimStatus.Declined => ApprovalStatus.Declined,
        _ => ApprovalStatus.Assigned,
    };

    private static TableEntity Row(string partition, string rowKey, ApprovalState state, long recordVersion, string status)
    {
        var current = state.Current;
        return new TableEntity(partition, rowKey, new Dictionary<string, object?>
        {
            ["RecordVersion"] = recordVersion,
            ["ApprovalId"] = state.ApprovalId,
            ["Version"] = current.Version,
            ["ProjectCode"] = current.ProjectCode,
            ["ProjectName"] = current.ProjectName,
            ["Industry"] = current.Industry,
            ["RegionCode"] = current.RegionCode,
            ["ApprovalKind"] = current.ApprovalKind,
            ["TenderMethod"] = current.Tendering.Method,
            ["ReceivedAt"] = state.ReceivedAt,
            ["Status"] = status,
            ["Parts"] = JsonSerializer.Serialize(state.Parts, RecordJson.Options),
        });
    }

    private static ApprovalIndexEntry ToEntry(TableEntity row) => new(
        row.GetString("ApprovalId") ?? "",
        row.GetInt64("Version") ?? 0,
        row.GetString("ProjectCode") ?? "",
        row.GetString("ProjectName") ?? "",
        row.GetString("Industry") ?? "",
        row.GetString("RegionCode") ?? "",
        row.GetString("ApprovalKind") ?? "",
        row.GetString("TenderMethod") ?? "",
        row.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
        JsonSerializer.Deserialize<ApprovalPart[]>(row.GetString("Parts") ?? "[]", RecordJson.Options) ?? []);

    private Task WriteIfNewerAsync(string table, TableEntity entity, long recordVersion, CancellationToken cancellationToken) =>
        ProjectionRows.WriteIfNewerAsync(store, table, entity, recordVersion, cancellationToken);

    private async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref tablesReady) == 0)
        {
            await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
            await store.CreateTableIfNotExistsAsync(ProjectTable, cancellationToken);
            Volatile.Write(ref tablesReady, 1);
        }
    }
}
