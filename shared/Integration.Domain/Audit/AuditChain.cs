using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Integration.Domain.Audit;

/// <summary>
/// One entry of a record's append-only history (来源可溯、去向可查、监督留痕): when, who, what, and
/// the hash chaining it to the entry before, so an edit anywhere in the history is detectable.
/// </summary>
public sealed record AuditEntry(long Sequence, DateTimeOffset At, string Principal, string Action, string Data, string PreviousHash, string Hash);

public sealed record AuditVerification(bool Valid, int Entries, long? BrokenAt);

public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The canonical content an entry's hash covers (everything but the hashes themselves).</summary>
    public static string CanonicalContent(string recordKey, long sequence, DateTimeOffset at, string principal, string action, string data) =>
        CanonicalJson.Serialize(new JsonObject
        {
            ["record"] = recordKey,
            ["seq"] = sequence,
            ["at"] = at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            ["principal"] = principal,
            ["action"] = action,
            ["data"] = JsonNode.Parse(data),
        });

    /// <summary>SHA-256 (hex) of the previous entry's hash followed by this entry's canonical content.</summary>
    public static string HashOf(string previousHash, string canonicalContent) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + canonicalContent)));

    public static AuditEntry Next(string recordKey, AuditEntry? previous, DateTimeOffset at, string principal, string action, string data)
    {
        var sequence = (previous?.Sequence ?? 0) + 1;
        var previousHash = previous?.Hash ?? Genesis;
        var normalized = CanonicalJson.Normalize(data);
        var hash = HashOf(previousHash, CanonicalContent(recordKey, sequence, at, principal, action, normalized));
        return new AuditEntry(sequence, at, principal, action, normalized, previousHash, hash);
    }

    /// <summary>Checks every link; <see cref="AuditVerification.BrokenAt"/> is the first entry whose content or link does not hold.</summary>
    public static AuditVerification Verify(string recordKey, IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var previousHash = Genesis;
        var expectedSequence = 1L;
        foreach (var entry in entries)
        {
            string content;
            try
            {
                content = CanonicalContent(recordKey, entry.Sequence, entry.At, entry.Principal, entry.Action, entry.Data);
            }
            catch (System.Text.Json.JsonException)
            {
                return new AuditVerification(false, entries.Count, entry.Sequence);
            }

            if (entry.Sequence != expectedSequence || entry.PreviousHash != previousHash || HashOf(previousHash, content) != entry.Hash)
            {
                return new AuditVerification(false, entries.Count, entry.Sequence);
            }

            previousHash = entry.Hash;
            expectedSequence++;
        }

        return new AuditVerification(true, entries.Count, null);
    }
}
