using System.Text.Json;
using Integration.Domain.Audit;
using Integration.Domain.Kernel;
using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Audit;

/// <summary>Any record's history (来源可溯、去向可查、监督留痕) and a check that it has not been altered.</summary>
public static class AuditFunctions
{
    public sealed record EntryResponse(long Sequence, DateTimeOffset At, string Principal, string Action, JsonElement Data, string PreviousHash, string Hash);

    public sealed record HistoryResponse(string Kind, string Id, IReadOnlyList<EntryResponse> Entries);

    public sealed record VerifyResponse(bool Valid, int Entries, long? BrokenAt);

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("audit-history", HttpMethods.Get, "audit/{kind}/{id}", GetHistory, b => b.RequireAuthorization(RoleNames.Coordinator).WithTags("Audit")
            .WithSummary("The append-only, hash-chained history of a record (coordinators and admins)"));
        functions.Http("audit-verify", HttpMethods.Get, "audit/{kind}/{id}/verify", Verify, b => b.RequireAuthorization(RoleNames.Coordinator).WithTags("Audit")
            .WithSummary("Recomputes the hash chain of a record's history"));
    }

    public static EntryResponse ToResponse(AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Sequence, e.At, e.Principal, e.Action, JsonText.ToElement(e.Data), e.PreviousHash, e.Hash);
    }

    private static async Task<Results<Ok<HistoryResponse>, ProblemHttpResult>> GetHistory(string kind, string id, RecordStore records, CancellationToken cancellationToken)
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

    private static async Task<Results<Ok<VerifyResponse>, ProblemHttpResult>> Verify(string kind, string id, RecordStore records, CancellationToken cancellationToken)
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
