using System.Text.Json;
using Integration.Domain.Audit;
using Integration.Domain.Kernel;
using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Audit;

/// <summary>Any record's history (来源可溯、去向可查、监督留痕) and a check that it has not been altered.</summary>
public sealed class AuditFunctions(RecordStore records)
{
    public sealed record EntryResponse(long Sequence, DateTimeOffset At, string Principal, string Action, JsonElement Data, string PreviousHash, string Hash);

    public sealed record HistoryResponse(string Kind, string Id, IReadOnlyList<EntryResponse> Entries);

    public sealed record VerifyResponse(bool Valid, int Entries, long? BrokenAt);

    public static EntryResponse ToResponse(AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Sequence, e.At, e.Principal, e.Action, JsonText.ToElement(e.Data), e.PreviousHash, e.Hash);
    }

    [Function("audit-history")]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Audit")]
    [EndpointSummary("The append-only, hash-chained history of a record (coordinators and admins)")]
    public async Task<Results<Ok<HistoryResponse>, ProblemHttpResult>> GetHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit/{kind}/{id}")] HttpRequest request, string kind, string id, CancellationToken cancellationToken)
    {
        if (!IsRecordKey(kind, id))
        {
            return NoRecord(kind, id);
        }

        var entries = await records.HistoryAsync(new RecordKey(kind, id), cancellationToken);
        if (entries.Count == 0)
        {
            return NoRecord(kind, id);
        }

        return TypedResults.Ok(new HistoryResponse(kind, id, entries.Select(ToResponse).ToArray()));
    }

    [Function("audit-verify")]
    [Authorize(Policy = RoleNames.Coordinator)]
    [Tags("Audit")]
    [EndpointSummary("Recomputes the hash chain of a record's history")]
    public async Task<Results<Ok<VerifyResponse>, ProblemHttpResult>> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit/{kind}/{id}/verify")] HttpRequest request, string kind, string id, CancellationToken cancellationToken)
    {
        if (!IsRecordKey(kind, id))
        {
            return NoRecord(kind, id);
        }

        var key = new RecordKey(kind, id);
        var entries = await records.HistoryAsync(key, cancellationToken);
        if (entries.Count == 0)
        {
            return NoRecord(kind, id);
        }

        var result = AuditChain.Verify(key.PartitionKey, entries);
        return TypedResults.Ok(new VerifyResponse(result.Valid, result.Entries, result.BrokenAt));
    }

    /// <summary>Kinds and ids follow the one record-id rule, so the store is never asked for a key it cannot hold.</summary>
    private static bool IsRecordKey(string kind, string id) => RecordId.IsValid(kind) && RecordId.IsValid(id);

    private static ProblemHttpResult NoRecord(string kind, string id) =>
        IsRecordKey(kind, id)
            ? Problems.NotFound($"There is no record {kind}/{id}.")
            : Problems.NotFound($"There is no record {TextRules.Echo(kind)}/{TextRules.Echo(id)}.");
}
