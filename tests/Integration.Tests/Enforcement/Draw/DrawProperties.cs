using FsCheck;
using FsCheck.Fluent;
using Integration.Domain.Enforcement.Draw;

namespace Integration.Tests.Enforcement.Draw;

/// <summary>Properties of DRAW-v1 over generated rosters, strata, recusals and nonces.</summary>
[Trait("lane", "unit")]
public sealed class DrawProperties
{
    private static readonly string[] Strata = ["a", "b", "c", "unlisted"];
    private static readonly string[] Owners = ["914403001922038216", "9144030071526726XG", "91330100716105852F", "91350100M000100Y43"];
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(200);
    private static readonly Arbitrary<int> Seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();

    internal sealed record DrawCase(
        string PlanId,
        DrawRoster Roster,
        DrawSampling Sampling,
        IReadOnlyDictionary<string, string> Commitments,
        IReadOnlyDictionary<string, string> Nonces);

    /// <summary>A roster and rules built from one number, so that a failing case is reported as that number.</summary>
    internal static DrawCase Case(int seed, int? targets = null, int? officers = null)
    {
        var random = new Random(seed);
        var departments = new[] { "housing", "market", "transport", "water" }.Take(random.Next(1, 5)).ToArray();
        var targetList = Enumerable.Range(0, targets ?? random.Next(0, 60))
            .Select(i => new DrawTarget($"2026-371002-48-01-{random.Next(1_000_000):D6}-{i}", Strata[random.Next(Strata.Length)], Owners[random.Next(Owners.Length)]));
        var officerList = Enumerable.Range(0, officers ?? random.Next(2, 12))
            .Select(i => new DrawOfficer(
                departments[random.Next(departments.Length)],
                $"o{i:D3}",
                Owners.Where(_ => random.Next(5) == 0).ToArray()));
        var roster = DrawRoster.Create(targetList, officerList).Roster!;
        var strata = Strata.Take(3).Where(_ => random.Next(4) > 0)
            .Select(name => new SamplingStratum(name, random.Next(0, 10_001) / 100m, random.Next(0, 6)))
            .DefaultIfEmpty(new SamplingStratum("a", 5m, 1))
            .ToList();
        var nonces = departments.ToDictionary(d => d, d => $"{d}-{random.NextInt64():x16}-{random.NextInt64():x16}");
        return new DrawCase(
            $"WH-{seed}",
            roster,
            new DrawSampling(strata, random.Next(2, 4)),
            nonces.ToDictionary(p => p.Key, p => DrawCommitments.Commit(p.Value)),
            nonces);
    }

    private static DrawOutcome Run(DrawCase c) => DrawEngine.Draw(c.PlanId, c.Roster, c.Sampling, c.Commitments, c.Nonces);

    [Fact]
    public void Each_stratum_gives_k_distinct_targets_of_its_own_in_stratum_order() =>
        Prop.ForAll(Seeds, seed =>
        {
            var c = Case(seed);
            if (Run(c) is not DrawCompleted { Record: var record })
            {
                return true;
            }

            var ids = record.Selected.Select(s => s.TargetId).ToList();
            var stratumOf = c.Roster.Targets.ToDictionary(t => t.TargetId, t => t.Stratum);
            var expectedOrder = c.Sampling.InDrawOrder()
                .SelectMany(s => Enumerable.Repeat(s.Name, s.DrawCount(c.Roster.Targets.Count(t => t.Stratum == s.Name))));
            return ids.Distinct().Count() == ids.Count
                && ids.All(stratumOf.ContainsKey)
                && ids.Select(id => stratumOf[id]).SequenceEqual(expectedOrder);
        })
        .Check(Config);

    [Fact]
    public void Every_drawn_target_gets_distinct_officers_of_the_roster_none_of_whom_recuses_its_owner() =>
        Prop.ForAll(Seeds, seed =>
        {
            var c = Case(seed);
            var outcome = Run(c);
            if (outcome is DrawRefused refused)
            {
                return refused.Reason.Contains("do not recuse its owner", StringComparison.Ordinal);
            }

            var record = ((DrawCompleted)outcome).Record;
            var officers = c.Roster.Officers.ToDictionary(o => o.OfficerId);
            var owners = c.Roster.Targets.ToDictionary(t => t.TargetId, t => t.CreditCode);
            return record.Selected.All(s =>
                s.Officers.Count == c.Sampling.OfficersPerTarget
                && s.Officers.Distinct().Count() == s.Officers.Count
                && s.Officers.All(id => officers.TryGetValue(id, out var o) && !o.Recuse.Contains(owners[s.TargetId])));
        })
        .Check(Config);

    [Fact]
    public void A_refused_draw_happens_only_when_some_owner_leaves_too_few_officers() =>
        Prop.ForAll(Seeds, seed =>
        {
            var c = Case(seed);
            var short_ = Owners.Where(owner => c.Roster.Officers.Count(o => !o.Recuse.Contains(owner)) < c.Sampling.OfficersPerTarget).ToHashSet();
            return Run(c) switch
            {
                DrawRefused => short_.Count > 0,
                DrawCompleted { Record: var r } => r.Selected.All(s => !short_.Contains(c.Roster.Targets.Single(t => t.TargetId == s.TargetId).CreditCode)),
                _ => false,
            };
        })
        .Check(Config);

    [Fact]
    public void The_same_inputs_give_the_same_record_and_it_verifies_also_after_a_json_round_trip() =>
        Prop.ForAll(Seeds, seed =>
        {
            if (Run(Case(seed)) is not DrawCompleted { Record: var record })
            {
                return true;
            }

            var again = ((DrawCompleted)Run(Case(seed))).Record;
            var json = DrawRecordJson.Write(record);
            return json == DrawRecordJson.Write(again)
                && DrawEngine.Verify(record).IsValid
                && DrawEngine.Verify(DrawRecordJson.Read(json).Record!).IsValid;
        })
        .Check(Config);

    [Fact]
    public void Changing_any_nonce_or_roster_line_changes_the_seed() =>
        Prop.ForAll(Seeds, Gen.Choose(0, 1000).ToArbitrary(), (seed, pick) =>
        {
            var c = Case(seed, targets: 5 + (seed % 20));
            var baseline = Convert.ToHexStringLower(DrawEngine.Seed(c.PlanId, c.Roster.Hash(), c.Nonces));

            var department = c.Nonces.Keys.Order(StringComparer.Ordinal).ElementAt(pick % c.Nonces.Count);
            var nonces = new Dictionary<string, string>(c.Nonces) { [department] = c.Nonces[department] + "x" };
            var byNonce = Convert.ToHexStringLower(DrawEngine.Seed(c.PlanId, c.Roster.Hash(), nonces));

            var targets = c.Roster.Targets.ToList();
            var t = pick % targets.Count;
            targets[t] = targets[t] with { Stratum = targets[t].Stratum + "2" };
            var byTarget = Convert.ToHexStringLower(DrawEngine.Seed(c.PlanId, (c.Roster with { Targets = targets }).Hash(), c.Nonces));

            var officers = c.Roster.Officers.ToList();
            var o = pick % officers.Count;
            officers[o] = officers[o] with { OfficerId = officers[o].OfficerId + "z" };
            var byOfficer = Convert.ToHexStringLower(DrawEngine.Seed(c.PlanId, (c.Roster with { Officers = officers }).Hash(), c.Nonces));

            return new[] { baseline, byNonce, byTarget, byOfficer }.Distinct().Count() == 4;
        })
        .Check(Config);
}
