using Integration.Domain.Approvals;
using Integration.Domain.Storage;

namespace Integration.Functions.Approvals.Pull;

/// <summary>
/// Where the pull stands: the last feed item handled, and, in the middle of a sweep, the page token
/// to go on from with the sweep's updatedSince. Saved after every page.
/// </summary>
public sealed record PullCheckpoint(FeedPosition? Position, DateTimeOffset? SweepSince, string? PageToken, DateTimeOffset? CompletedAt, string? ETag)
{
    public static readonly PullCheckpoint Empty = new(null, null, null, null, null);
}

/// <summary>The checkpoint moved under this run: another instance is pulling.</summary>
public sealed class CheckpointMovedException() : Exception("The pull checkpoint was changed by another run.");

/// <summary>Pull checkpoints in the table store, one row per connector, written with its ETag.</summary>
public sealed class PullCheckpoints(ITableStore store)
{
    public const string Table = "Connectors";
    private const string Row = "checkpoint";

    public async Task<PullCheckpoint> LoadAsync(string connector, CancellationToken cancellationToken = default)
    {
        await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
        var row = await store.GetAsync(Table, connector, Row, cancellationToken);
        if (row is null)
        {
            return PullCheckpoint.Empty;
        }

        var position = row.GetDateTimeOffset("UpdatedAt") is { } at && row.GetString("ApprovalId") is { } id
            ? new FeedPosition(at, id, row.GetInt64("Version") ?? 0)
            : null;
        return new PullCheckpoint(position, row.GetDateTimeOffset("SweepSince"), row.GetString("PageToken"), row.GetDateTimeOffset("CompletedAt"), row.ETag);
    }

    /// <summary>Saves and returns the checkpoint with its new ETag; throws <see cref="CheckpointMovedException"/> when another run saved first.</summary>
    public async Task<PullCheckpoint> SaveAsync(string connector, PullCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var entity = new TableEntity(connector, Row, new Dictionary<string, object?>
        {
            ["UpdatedAt"] = checkpoint.Position?.UpdatedAt,
            ["ApprovalId"] = checkpoint.Position?.ApprovalId,
            ["Version"] = checkpoint.Position?.Version,
            ["SweepSince"] = checkpoint.SweepSince,
            ["PageToken"] = checkpoint.PageToken,
            ["CompletedAt"] = checkpoint.CompletedAt,
        });
        try
        {
            var etag = checkpoint.ETag is null
                ? await store.InsertAsync(Table, entity, cancellationToken)
                : await store.ReplaceAsync(Table, entity, checkpoint.ETag, cancellationToken);
            return checkpoint with { ETag = etag };
        }
        catch (TableStoreException e) when (e.Kind is TableErrorKind.Conflict or TableErrorKind.PreconditionFailed)
        {
            throw new CheckpointMovedException();
        }
    }
}
