using System.Security.Cryptography;
using System.Text;

namespace Integration.Domain.Enforcement.Draw;

/// <summary>
/// DRAW-v1 (docs/draw.md): a seed no single participant controls, and from it a stratified partial Fisher–Yates
/// over the targets and one over the officers of each drawn target. Pure: the same inputs give the same record.
/// </summary>
public static class DrawEngine
{
    /// <summary>Draws targets and officers; commitments and nonces are by department and must match one to one.</summary>
    public static DrawOutcome Draw(
        string planId,
        DrawRoster roster,
        DrawSampling sampling,
        IReadOnlyDictionary<string, string> commitments,
        IReadOnlyDictionary<string, string> nonces)
    {
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(sampling);
        ArgumentNullException.ThrowIfNull(commitments);
        ArgumentNullException.ThrowIfNull(nonces);
        if (string.IsNullOrEmpty(planId) || planId.Contains('\n', StringComparison.Ordinal))
        {
            return new DrawRefused("The planId is required and must be one line.");
        }

        if ((roster.Problem() ?? sampling.Problem() ?? RevealsProblem(commitments, nonces)) is { } problem)
        {
            return new DrawRefused(problem);
        }

        var rosterHash = roster.Hash();
        var seed = Seed(planId, rosterHash, nonces);
        var selection = Select(seed, roster, sampling, out var failure);
        if (selection is null)
        {
            return new DrawRefused(failure!);
        }

        return new DrawCompleted(new DrawRecord(
            DrawRecord.Version,
            planId,
            sampling,
            roster,
            rosterHash,
            Sorted(commitments),
            Sorted(nonces),
            Convert.ToHexStringLower(seed),
            selection));
    }

    /// <summary>SHA-256 of UTF-8 "DRAW-v1\n{planId}\n{rosterHash}\n" followed by each nonce and "\n", departments in ordinal order.</summary>
    public static byte[] Seed(string planId, string rosterHash, IReadOnlyDictionary<string, string> nonces)
    {
        ArgumentNullException.ThrowIfNull(nonces);
        var text = new StringBuilder().Append(DrawRecord.Version).Append('\n').Append(planId).Append('\n').Append(rosterHash).Append('\n');
        foreach (var department in nonces.Keys.Order(StringComparer.Ordinal))
        {
            text.Append(nonces[department]).Append('\n');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Recomputes the roster hash, every commitment, the seed and the selection; answers valid or the first mismatch.</summary>
    public static DrawVerification Verify(DrawRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Algorithm != DrawRecord.Version)
        {
            return DrawVerification.Invalid($"Unknown algorithm '{record.Algorithm}'; this verifier knows {DrawRecord.Version}.");
        }

        if ((record.Roster.Problem() ?? record.Sampling.Problem() ?? RevealsProblem(record.Commitments, record.Nonces)) is { } problem)
        {
            return DrawVerification.Invalid(problem);
        }

        var rosterHash = record.Roster.Hash();
        if (rosterHash != record.RosterHash)
        {
            return DrawVerification.Invalid($"rosterHash is {record.RosterHash}, the roster hashes to {rosterHash}.");
        }

        var seed = Seed(record.PlanId, rosterHash, record.Nonces);
        if (Convert.ToHexStringLower(seed) != record.Seed)
        {
            return DrawVerification.Invalid($"seed is {record.Seed}, recomputed {Convert.ToHexStringLower(seed)}.");
        }

        var selection = Select(seed, record.Roster, record.Sampling, out var failure);
        if (selection is null)
        {
            return DrawVerification.Invalid($"The roster cannot be drawn from: {failure}");
        }

        for (var i = 0; i < Math.Max(selection.Count, record.Selected.Count); i++)
        {
            if (i >= selection.Count || i >= record.Selected.Count)
            {
                return DrawVerification.Invalid($"selected has {record.Selected.Count} targets, recomputed {selection.Count}.");
            }

            var (expected, actual) = (selection[i], record.Selected[i]);
            if (expected.TargetId != actual.TargetId)
            {
                return DrawVerification.Invalid($"selected[{i}] is target '{actual.TargetId}', recomputed '{expected.TargetId}'.");
            }

            if (!expected.Recused.SequenceEqual(actual.Recused, StringComparer.Ordinal))
            {
                return DrawVerification.Invalid($"selected[{i}] ('{actual.TargetId}') lists recused officers [{string.Join(", ", actual.Recused)}], the roster gives [{string.Join(", ", expected.Recused)}].");
            }

            if (!expected.Officers.SequenceEqual(actual.Officers, StringComparer.Ordinal))
            {
                return DrawVerification.Invalid($"selected[{i}] ('{actual.TargetId}') has officers [{string.Join(", ", actual.Officers)}], recomputed [{string.Join(", ", expected.Officers)}].");
            }
        }

        return RedrawsProblem(record) is { } redrawn ? DrawVerification.Invalid(redrawn) : DrawVerification.Valid;
    }

    /// <summary>
    /// Replaces <paramref name="officerId"/> on drawn target <paramref name="targetId"/> (回避 after the draw): the next
    /// re-draw round of that target picks one officer by <c>uniform(pool size)</c> with label
    /// <c>officers:{targetId}:redraw:{round}</c>, the pool being the roster's officers, in roster order, minus the target's
    /// recused officers, minus those on the task now, minus those replaced on it before. Returns the re-draw to append to
    /// the record, or why there is none (not a drawn target, not one of its officers, nobody left).
    /// </summary>
    public static (DrawRedraw? Redraw, string? Problem) Redraw(DrawRecord record, string targetId, string officerId)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Selected.FirstOrDefault(s => s.TargetId == targetId) is not { } drawn)
        {
            return (null, $"Target '{targetId}' was not drawn.");
        }

        var current = record.OfficersOf(targetId)!;
        if (!current.Contains(officerId, StringComparer.Ordinal))
        {
            return (null, $"Officer '{officerId}' is not on target '{targetId}' (its officers are {string.Join(", ", current)}).");
        }

        var replaced = record.Redraws.Where(r => r.TargetId == targetId).Select(r => r.Replaced).ToArray();
        var round = replaced.Length + 1;
        var pool = RedrawPool(record, drawn, current, replaced);
        if (pool.Count == 0)
        {
            return (null, $"No officer of the roster is left for target '{targetId}': every other one recuses its owner, is on the task already or was replaced on it.");
        }

        using var stream = new DrawStream(Convert.FromHexString(record.Seed), RedrawLabel(targetId, round));
        var picked = pool[(int)stream.Uniform((ulong)pool.Count)];
        return (new DrawRedraw(targetId, round, officerId, picked), null);
    }

    public static string RedrawLabel(string targetId, int round) => $"officers:{targetId}:redraw:{round}";

    private static List<string> RedrawPool(DrawRecord record, DrawnTarget drawn, IReadOnlyList<string> current, IReadOnlyList<string> replaced)
    {
        var excluded = new HashSet<string>(drawn.Recused.Concat(current).Concat(replaced), StringComparer.Ordinal);
        return record.Roster.Officers.Select(o => o.OfficerId).Where(o => !excluded.Contains(o)).ToList();
    }

    /// <summary>Replays the re-draws in order against the verified selection; the first one that does not recompute is named.</summary>
    private static string? RedrawsProblem(DrawRecord record)
    {
        var replay = record with { Redraws = [] };
        for (var i = 0; i < record.Redraws.Count; i++)
        {
            var redraw = record.Redraws[i];
            var (expected, problem) = Redraw(replay, redraw.TargetId, redraw.Replaced);
            if (expected is null)
            {
                return $"redraws[{i}]: {problem}";
            }

            if (expected != redraw)
            {
                return $"redraws[{i}] ('{redraw.TargetId}' round {redraw.Round}, replacing '{redraw.Replaced}') picks '{redraw.Officer}', recomputed round {expected.Round} picking '{expected.Officer}'.";
            }

            replay = replay with { Redraws = [.. replay.Redraws, redraw] };
        }

        return null;
    }

    private static string? RevealsProblem(IReadOnlyDictionary<string, string> commitments, IReadOnlyDictionary<string, string> nonces)
    {
        if (commitments.Count == 0)
        {
            return "No participant has committed.";
        }

        foreach (var department in commitments.Keys.Order(StringComparer.Ordinal))
        {
            if (DrawCommitments.CommitmentProblem(commitments[department]) is { } malformed)
            {
                return $"Department '{department}': {malformed}";
            }

            if (!nonces.TryGetValue(department, out var nonce))
            {
                return $"Department '{department}' committed but has not revealed its nonce.";
            }

            if (DrawCommitments.RevealProblem(commitments[department], nonce) is { } refused)
            {
                return $"Department '{department}': {refused}";
            }
        }

        var extra = nonces.Keys.Where(d => !commitments.ContainsKey(d)).Order(StringComparer.Ordinal).FirstOrDefault();
        return extra is null ? null : $"Department '{extra}' revealed a nonce without a commitment.";
    }

    private static List<DrawnTarget>? Select(byte[] seed, DrawRoster roster, DrawSampling sampling, out string? failure)
    {
        failure = null;
        var byStratum = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < roster.Targets.Count; i++)
        {
            var stratum = roster.Targets[i].Stratum;
            if (!byStratum.TryGetValue(stratum, out var positions))
            {
                byStratum[stratum] = positions = [];
            }

            positions.Add(i);
        }

        var drawn = new List<int>();
        using var stream = new DrawStream(seed, "targets:");
        foreach (var stratum in sampling.InDrawOrder())
        {
            var positions = byStratum.TryGetValue(stratum.Name, out var list) ? list.ToArray() : [];
            var k = stratum.DrawCount(positions.Length);
            stream.Restart("targets:" + stratum.Name);
            Shuffle(stream, positions, k, new int[k]);
            drawn.AddRange(positions.AsSpan(0, k));
        }

        // Who recuses whom, by owner credit code, so that a pool is built by marking rather than by searching lists.
        var recusing = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var o = 0; o < roster.Officers.Count; o++)
        {
            foreach (var creditCode in roster.Officers[o].Recuse.Distinct(StringComparer.Ordinal))
            {
                if (!recusing.TryGetValue(creditCode, out var officers))
                {
                    recusing[creditCode] = officers = [];
                }

                officers.Add(o);
            }
        }

        // A target nobody recuses draws from the whole roster: that pool is shuffled in place and restored afterwards
        // (k swaps undone), so a draw of many targets does not rebuild a pool of every officer for each.
        var everyone = Enumerable.Range(0, roster.Officers.Count).ToArray();
        var excluded = new bool[roster.Officers.Count];
        var filtered = new int[roster.Officers.Count];
        var swaps = new int[sampling.OfficersPerTarget];
        var selected = new List<DrawnTarget>(drawn.Count);
        foreach (var position in drawn)
        {
            var target = roster.Targets[position];
            var recused = recusing.TryGetValue(target.CreditCode, out var list) ? list : [];
            var pool = everyone.AsSpan();
            if (recused.Count > 0)
            {
                foreach (var o in recused)
                {
                    excluded[o] = true;
                }

                var size = 0;
                for (var o = 0; o < excluded.Length; o++)
                {
                    if (!excluded[o])
                    {
                        filtered[size++] = o;
                    }
                }

                foreach (var o in recused)
                {
                    excluded[o] = false;
                }

                pool = filtered.AsSpan(0, size);
            }

            if (pool.Length < sampling.OfficersPerTarget)
            {
                failure = $"Target '{target.TargetId}' needs {sampling.OfficersPerTarget} officers, but only {pool.Length} of the roster's {roster.Officers.Count} do not recuse its owner {target.CreditCode}.";
                return null;
            }

            stream.Restart("officers:" + target.TargetId);
            Shuffle(stream, pool, sampling.OfficersPerTarget, swaps);
            var officers = new string[sampling.OfficersPerTarget];
            for (var i = 0; i < officers.Length; i++)
            {
                officers[i] = roster.Officers[pool[i]].OfficerId;
            }

            for (var i = sampling.OfficersPerTarget - 1; i >= 0; i--)
            {
                (pool[i], pool[swaps[i]]) = (pool[swaps[i]], pool[i]);
            }

            var recusedIds = recused.Select(o => roster.Officers[o].OfficerId).ToArray();
            selected.Add(new DrawnTarget(target.TargetId, officers, recusedIds));
        }

        return selected;
    }

    /// <summary>Partial Fisher–Yates: for i in 0…k−1, j = i + uniform(N − i), swap positions i and j.</summary>
    /// <remarks>The positions swapped with are kept in <paramref name="swaps"/>, so that a caller can undo the shuffle.</remarks>
    private static void Shuffle(DrawStream stream, Span<int> items, int k, Span<int> swaps)
    {
        for (var i = 0; i < k; i++)
        {
            var j = i + (int)stream.Uniform((ulong)(items.Length - i));
            (items[i], items[j]) = (items[j], items[i]);
            swaps[i] = j;
        }
    }

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> values) =>
        new(values.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal);
}
