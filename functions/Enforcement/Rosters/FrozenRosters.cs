using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Enforcement.Rosters;

/// <summary>
/// The rosters plans froze, each kept once and never changed, in partition <c>frozen|{key}</c> of table
/// <c>EnforcementRosters</c>: the key is the SHA-256 of the roster's full JSON (targets with credit codes, officers with
/// recusal lists), not its DRAW-v1 <c>rosterHash</c>, which leaves those out, so two rosters that differ only in a
/// recusal never share rows. The JSON is cut into chunk rows (<c>c|{n}</c>) written first, then the <c>manifest</c>
/// row naming how many there are; a reader trusts only a manifest, and checks the digest of what it read.
/// Writing is idempotent (the same roster writes the same rows), so a crash between the rows and the plan's commit
/// leaves rows no plan names, which are harmless, and the retry writes them again.
/// </summary>
public sealed class FrozenRosters(ITableStore store)
{
    public const string ManifestRow = "manifest";

    /// <summary>Rosters are immutable, so a process keeps the few it used last; a plan's commands then load it once.</summary>
    private const int CacheSize = 8;

    private const string ChunkPrefix = "c|";
    private readonly ConcurrentDictionary<string, DrawRoster> cache = new(StringComparer.Ordinal);
    private int tableReady;

    public static string Partition(string key) => "frozen|" + key;

    /// <summary>The roster's canonical JSON and the key it is stored under.</summary>
    public static (string Key, string Json) Canonical(DrawRoster roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        var json = JsonSerializer.Serialize(roster, RecordJson.Options);
        return (Digest(json), json);
    }

    /// <summary>Stores the roster (unless a manifest for it exists already) and answers its key.</summary>
    public async Task<string> SaveAsync(DrawRoster roster, CancellationToken cancellationToken)
    {
        var (key, json) = Canonical(roster);
        await EnsureTableAsync(cancellationToken);
        var partition = Partition(key);
        if (await store.GetAsync(RosterSnapshots.Table, partition, ManifestRow, cancellationToken) is null)
        {
            // The options escape every non-ASCII character, so cutting the text anywhere never splits a character.
            var chunks = 0;
            for (var start = 0; start < json.Length; start += RosterSnapshots.ChunkLength, chunks++)
            {
                var properties = new Dictionary<string, object?>();
                LongText.Put(properties, "Data", json.Substring(start, Math.Min(RosterSnapshots.ChunkLength, json.Length - start)));
                await store.UpsertAsync(RosterSnapshots.Table, new TableEntity(partition, ChunkKey(chunks), properties), cancellationToken);
            }

            await store.UpsertAsync(RosterSnapshots.Table, new TableEntity(partition, ManifestRow, new Dictionary<string, object?>
            {
                ["Chunks"] = (long)chunks,
                ["Length"] = (long)json.Length,
                ["RosterHash"] = roster.Hash(),
                ["Targets"] = (long)roster.Targets.Count,
                ["Officers"] = (long)roster.Officers.Count,
            }), cancellationToken);
        }

        Remember(key, roster);
        return key;
    }

    /// <summary>The roster stored under <paramref name="key"/>; throws when it is missing or does not match its key.</summary>
    public async Task<DrawRoster> LoadAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        await EnsureTableAsync(cancellationToken);
        var partition = Partition(key);
        var manifest = await store.GetAsync(RosterSnapshots.Table, partition, ManifestRow, cancellationToken)
            ?? throw new InvalidOperationException($"The frozen roster {key} is not stored ({RosterSnapshots.Table}/{partition} has no manifest).");
        var chunks = manifest.GetInt64("Chunks") ?? 0;
        var json = new StringBuilder((int)(manifest.GetInt64("Length") ?? 0));
        var read = 0;
        string? token = null;
        do
        {
            var page = await store.QueryAsync(RosterSnapshots.Table, TableQuery.RowKeyPrefix(partition, ChunkPrefix, 20), token, cancellationToken);
            foreach (var row in page.Entities)
            {
                json.Append(LongText.Get(row, "Data"));
                read++;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        var text = json.ToString();
        if (read != chunks || Digest(text) != key)
        {
            throw new InvalidOperationException($"The frozen roster {key} does not match its key: {read} of {chunks} chunks read, digest {Digest(text)}.");
        }

        var roster = JsonSerializer.Deserialize<DrawRoster>(text, RecordJson.Options)
            ?? throw new InvalidOperationException($"The frozen roster {key} is empty.");
        Remember(key, roster);
        return roster;
    }

    /// <summary>The roster if this process has it at hand; null when it must be loaded first.</summary>
    public DrawRoster? Cached(string key) => cache.TryGetValue(key, out var roster) ? roster : null;

    private void Remember(string key, DrawRoster roster)
    {
        // A crude bound, enough for a cache whose misses cost one read of the rows.
        if (cache.Count >= CacheSize && !cache.ContainsKey(key))
        {
            cache.Clear();
        }

        cache[key] = roster;
    }

    private static string Digest(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    private static string ChunkKey(int chunk) => ChunkPrefix + chunk.ToString("D6", CultureInfo.InvariantCulture);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref tableReady) == 0)
        {
            await store.CreateTableIfNotExistsAsync(RosterSnapshots.Table, cancellationToken);
            Volatile.Write(ref tableReady, 1);
        }
    }
}
