using Integration.Domain.Approvals;
using Integration.Domain.Storage;
using Integration.Functions.Approvals;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Enforcement.Rosters;

/// <summary>
/// The approvals' share of the target library: one target per project (targetId = the project code), read from the
/// approval index's project rows (<see cref="ApprovalIndex.ProjectTable"/>, one row per approval under its project
/// code), not from the approval records. Several approvals of one project are one target, described by the approval
/// received last. A project row written before it carried the owner is completed from its approval record once.
/// </summary>
public sealed class ApprovalTargets(ITableStore store, RecordStore records)
{
    public async Task<IReadOnlyList<EnforcementTarget>> ListAsync(CancellationToken cancellationToken)
    {
        await store.CreateTableIfNotExistsAsync(ApprovalIndex.ProjectTable, cancellationToken);
        var latest = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await store.QueryAsync(ApprovalIndex.ProjectTable, new TableQuery { PageSize = 1000 }, token, cancellationToken);
            foreach (var row in page.Entities)
            {
                if (!latest.TryGetValue(row.PartitionKey, out var kept) || IsLater(row, kept))
                {
                    latest[row.PartitionKey] = row;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        var targets = new List<EnforcementTarget>(latest.Count);
        foreach (var (projectCode, row) in latest)
        {
            if (await TargetAsync(projectCode, row, cancellationToken) is { } target)
            {
                targets.Add(target);
            }
        }

        return targets;
    }

    private static bool IsLater(TableEntity row, TableEntity kept)
    {
        var (a, b) = (row.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue, kept.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue);
        return a != b ? a > b : string.CompareOrdinal(row.RowKey, kept.RowKey) > 0;
    }

    private async Task<EnforcementTarget?> TargetAsync(string projectCode, TableEntity row, CancellationToken cancellationToken)
    {
        if (row.GetString("OwnerCreditCode") is { } owner)
        {
            return new EnforcementTarget(projectCode, row.GetString("ProjectName") ?? projectCode, owner, row.GetString("RegionCode") ?? "", row.GetString("Industry") ?? "", null);
        }

        var record = await records.GetAsync<ApprovalState>(ApprovalService.Key(row.RowKey), cancellationToken);
        return record?.State.Current is { } current && current.ProjectCode == projectCode
            ? new EnforcementTarget(projectCode, current.ProjectName, current.Owner.CreditCode, current.RegionCode, current.Industry, null)
            : null;
    }
}
