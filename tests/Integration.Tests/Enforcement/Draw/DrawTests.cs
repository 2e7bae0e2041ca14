using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Integration.Domain.Enforcement.Draw;
using Integration.Tests.Support;

namespace Integration.Tests.Enforcement.Draw;

[Trait("lane", "integration")]
public sealed class DrawTests
{
    private static string ExampleFile => Path.Combine(RepositoryRoot.Path, "docs", "draw-example.json");

    [Fact]
    public void The_golden_roster_hash_commitments_and_seed_match_the_documented_vectors()
    {
        Assert.Equal(DrawGolden.RosterHash, DrawGolden.Roster.Hash());
        foreach (var (department, nonce) in DrawGolden.Nonces)
        {
            Assert.Equal(DrawGolden.Commitments[department], DrawCommitments.Commit(nonce));
        }

        Assert.Equal(DrawGolden.Seed, Convert.ToHexStringLower(DrawEngine.Seed(DrawGolden.PlanId, DrawGolden.RosterHash, DrawGolden.Nonces)));
    }

    [Theory]
    [InlineData("targets:high", new[] { 504792868327398429UL, 15417018696696098277UL, 5886640854527491773UL })]
    [InlineData("officers:2026-371002-48-01-000101", new[] { 9654384660900961657UL, 10411266996655997818UL, 14668451295258650112UL })]
    [InlineData("officers:2026-371002-48-01-000103:redraw:1", new[] { 4666151840446255415UL, 6750701157903790159UL, 16373796315572302461UL })]
    [InlineData("officers:2026-371002-48-01-000103:redraw:2", new[] { 6785366299956177035UL, 6916755813961164988UL, 2910761765352666711UL })]
    public void The_golden_streams_give_the_documented_numbers(string label, ulong[] expected)
    {
        using var stream = new DrawStream(Convert.FromHexString(DrawGolden.Seed), label);
        Assert.Equal(expected, new[] { stream.Next(), stream.Next(), stream.Next() });
    }

    [Fact]
    public void The_golden_selection_is_the_documented_one_and_the_record_is_the_example_file()
    {
        var record = DrawGolden.Draw();
        Assert.Equal(
            [
                "2026-371002-48-01-000103: t01, m02 (recused: )",
                "2026-371002-48-01-000101: m01, h02 (recused: h01, m02)",
                "2026-371002-48-01-000110: t01, m01 (recused: h01, m02)",
            ],
            record.Selected.Select(s => $"{s.TargetId}: {string.Join(", ", s.Officers)} (recused: {string.Join(", ", s.Recused)})"));
        Assert.True(DrawEngine.Verify(record).IsValid);
    }

    [Fact]
    public void The_golden_redraws_are_the_documented_ones_and_the_record_is_the_example_file()
    {
        var record = DrawGolden.Redrawn();
        Assert.Equal(
            [new DrawRedraw(DrawGolden.RedrawnTarget, 1, "m02", "m01"), new DrawRedraw(DrawGolden.RedrawnTarget, 2, "m01", "h02")],
            record.Redraws);
        Assert.Equal(["t01", "h02"], record.OfficersOf(DrawGolden.RedrawnTarget));
        Assert.Equal(File.ReadAllText(ExampleFile), DrawRecordJson.Write(record));
        Assert.Equal(DrawVerification.Valid, DrawEngine.Verify(record));
    }

    [Fact]
    public void A_redraw_refuses_an_officer_not_on_the_target_and_an_empty_pool_and_verify_names_a_tampered_redraw()
    {
        var record = DrawGolden.Redrawn();
        Assert.Contains("is not on target", DrawEngine.Redraw(record, DrawGolden.RedrawnTarget, "m02").Problem, StringComparison.Ordinal);
        Assert.Contains("was not drawn", DrawEngine.Redraw(record, "2026-371002-48-01-000105", "t01").Problem, StringComparison.Ordinal);

        // Target …101 recuses h01 and m02 and has m01, h02: t01 is the last officer left, then nobody.
        var (last, _) = DrawEngine.Redraw(record, "2026-371002-48-01-000101", "m01");
        Assert.Equal("t01", last!.Officer);
        var exhausted = record with { Redraws = [.. record.Redraws, last] };
        Assert.Contains("No officer of the roster is left", DrawEngine.Redraw(exhausted, "2026-371002-48-01-000101", "h02").Problem, StringComparison.Ordinal);

        var chosen = record with { Redraws = [record.Redraws[0] with { Officer = "h01" }, record.Redraws[1]] };
        Assert.Contains("redraws[0]", DrawEngine.Verify(chosen).Mismatch, StringComparison.Ordinal);
        var skipped = record with { Redraws = [record.Redraws[1]] };
        Assert.Contains("redraws[0]", DrawEngine.Verify(skipped).Mismatch, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_published_without_redraws_reads_as_none_and_verifies()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(DrawRecordJson.Write(DrawGolden.Draw()))!.AsObject();
        json.Remove("redraws");
        var (record, problem) = DrawRecordJson.Read(json.ToJsonString());
        Assert.Null(problem);
        Assert.Empty(record!.Redraws);
        Assert.Equal(DrawVerification.Valid, DrawEngine.Verify(record));
    }

    [Fact]
    public void The_example_file_read_back_verifies()
    {
        var (record, problem) = DrawRecordJson.Read(File.ReadAllText(ExampleFile));
        Assert.Null(problem);
        Assert.Equal(DrawVerification.Valid, DrawEngine.Verify(record!));
    }

    [Fact]
    public void Verify_names_a_tampered_selection()
    {
        var record = DrawGolden.Draw();
        var swapped = record.Selected.ToList();
        swapped[1] = swapped[1] with { Officers = ["h02", "m01"] };
        var verification = DrawEngine.Verify(record with { Selected = swapped });
        Assert.False(verification.IsValid);
        Assert.Contains("selected[1]", verification.Mismatch, StringComparison.Ordinal);

        var reordered = DrawEngine.Verify(record with { Selected = [record.Selected[1], record.Selected[0], record.Selected[2]] });
        Assert.Contains("selected[0] is target", reordered.Mismatch, StringComparison.Ordinal);

        var hidden = DrawEngine.Verify(record with { Selected = [.. record.Selected.Take(2)] });
        Assert.Contains("selected has 2 targets, recomputed 3", hidden.Mismatch, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_names_a_tampered_nonce_seed_or_roster()
    {
        var record = DrawGolden.Draw();
        var nonces = new Dictionary<string, string>(record.Nonces) { ["market"] = "market-nonce-2b6e8a4c1f9d7e3b5a0c8f6e" };
        Assert.Contains("does not hash to the commitment", DrawEngine.Verify(record with { Nonces = nonces }).Mismatch, StringComparison.Ordinal);

        var commitments = new Dictionary<string, string>(record.Commitments) { ["market"] = DrawCommitments.Commit(nonces["market"]) };
        Assert.Contains("seed is", DrawEngine.Verify(record with { Nonces = nonces, Commitments = commitments }).Mismatch, StringComparison.Ordinal);

        var targets = record.Roster.Targets.ToList();
        targets[0] = targets[0] with { Stratum = "low" };
        Assert.Contains("rosterHash is", DrawEngine.Verify(record with { Roster = record.Roster with { Targets = targets } }).Mismatch, StringComparison.Ordinal);
    }

    [Fact]
    public void Python_verifies_the_example_and_a_larger_draw_and_rejects_a_tampered_one()
    {
        var python = FindOnPath("python3");
        Assert.SkipWhen(python is null, "python3 is not on PATH, so the standalone verification script cannot be run here.");
        Assert.Equal((0, "valid"), RunScript(python!, ExampleFile));

        var large = DrawProperties.Case(20260101, targets: 400, officers: 30);
        var record = Assert.IsType<DrawCompleted>(DrawEngine.Draw(large.PlanId, large.Roster, large.Sampling, large.Commitments, large.Nonces)).Record;
        var file = Path.Combine(Path.GetTempPath(), $"draw-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(file, DrawRecordJson.Write(record));
            Assert.Equal((0, "valid"), RunScript(python!, file));

            var first = record.Selected[0];
            var tampered = record with { Selected = [first with { Officers = [.. first.Officers.Reverse()] }, .. record.Selected.Skip(1)] };
            File.WriteAllText(file, DrawRecordJson.Write(tampered));
            Assert.Equal((1, $"invalid: officers of {first.TargetId}"), RunScript(python!, file));

            // A re-draw made by the platform verifies; one whose replacement was chosen by hand does not.
            var (redraw, problem) = DrawEngine.Redraw(record, first.TargetId, first.Officers[0]);
            Assert.True(redraw is not null, problem);
            File.WriteAllText(file, DrawRecordJson.Write(record with { Redraws = [redraw!] }));
            Assert.Equal((0, "valid"), RunScript(python!, file));
            var other = record.Roster.Officers.Select(o => o.OfficerId).First(o => o != redraw!.Officer && !first.Officers.Contains(o) && !first.Recused.Contains(o));
            File.WriteAllText(file, DrawRecordJson.Write(record with { Redraws = [redraw! with { Officer = other }] }));
            Assert.Equal((1, $"invalid: redraws[0] of {first.TargetId}"), RunScript(python!, file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Uniform_rejects_numbers_in_the_zone_above_the_last_whole_multiple()
    {
        // For n = 2^63 + 1, ⌊2^64 / n⌋·n = n, so about half of all numbers fall in the rejection zone.
        var n = (1UL << 63) + 1;
        var seed = Convert.FromHexString(DrawGolden.Seed);
        var label = Enumerable.Range(0, 64).Select(i => $"edge:{i}").First(l => Raw(seed, l, 0) >= n);
        using var stream = new DrawStream(seed, label);
        var accepted = Enumerable.Range(1, 64).Select(i => Raw(seed, label, i)).First(u => u < n);
        Assert.Equal(accepted % n, stream.Uniform(n));
        Assert.True(stream.Position >= 2);

        // The rule as stated, in arbitrary precision, agrees with the wrapped arithmetic for assorted n.
        foreach (var m in new[] { 1UL, 2UL, 3UL, 7UL, 1000UL, (1UL << 63) + 1, ulong.MaxValue })
        {
            var limit = (BigInteger.Pow(2, 64) / m) * m;
            using var check = new DrawStream(seed, $"rule:{m}");
            var expected = Enumerable.Range(0, 200).Select(i => Raw(seed, $"rule:{m}", i)).First(u => u < limit);
            Assert.Equal(expected % m, check.Uniform(m));
        }
    }

    [Fact]
    public void Uniform_of_one_takes_one_number_and_answers_zero()
    {
        using var stream = new DrawStream(Convert.FromHexString(DrawGolden.Seed), "one");
        Assert.Equal(0UL, stream.Uniform(1));
        Assert.Equal(1, stream.Position);
    }

    [Theory]
    [InlineData("5", 0, 0, 0)]
    [InlineData("5", 1, 10, 1)]
    [InlineData("5", 1, 20, 1)]
    [InlineData("5", 1, 21, 2)]
    [InlineData("2.5", 1, 40, 1)]
    [InlineData("2.5", 0, 41, 2)]
    [InlineData("0.01", 0, 10000, 1)]
    [InlineData("0.01", 0, 10001, 2)]
    [InlineData("0", 0, 500, 0)]
    [InlineData("100", 0, 7, 7)]
    [InlineData("1", 9, 5, 5)]
    public void The_draw_count_is_the_ceiling_of_the_ratio_at_least_the_minimum_at_most_all(string ratio, int minimum, int count, int expected) =>
        Assert.Equal(expected, new SamplingStratum("s", decimal.Parse(ratio, CultureInfo.InvariantCulture), minimum).DrawCount(count));

    [Theory]
    [InlineData("2.505", "at most two decimal places")]
    [InlineData("100.01", "between 0 and 100")]
    [InlineData("-1", "between 0 and 100")]
    public void A_ratio_outside_the_representation_is_refused(string ratio, string reason)
    {
        var sampling = new DrawSampling([new SamplingStratum("all", decimal.Parse(ratio, CultureInfo.InvariantCulture), 1)], 2);
        var outcome = DrawEngine.Draw(DrawGolden.PlanId, DrawGolden.Roster, sampling, DrawGolden.Commitments, DrawGolden.Nonces);
        Assert.Contains(reason, Assert.IsType<DrawRefused>(outcome).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_officers_after_recusal_fails_the_draw_with_the_target_named()
    {
        var sampling = DrawGolden.Sampling with { OfficersPerTarget = 4 };
        var outcome = DrawEngine.Draw(DrawGolden.PlanId, DrawGolden.Roster, sampling, DrawGolden.Commitments, DrawGolden.Nonces);
        Assert.Equal(
            "Target '2026-371002-48-01-000101' needs 4 officers, but only 3 of the roster's 5 do not recuse its owner 914403001922038216.",
            Assert.IsType<DrawRefused>(outcome).Reason);
    }

    [Fact]
    public void A_pool_of_exactly_the_officers_needed_assigns_all_of_them_and_every_target_of_a_full_stratum_is_drawn()
    {
        var sampling = new DrawSampling([new SamplingStratum("high", 100m, 0), new SamplingStratum("empty", 50m, 3)], 3);
        var record = Assert.IsType<DrawCompleted>(DrawEngine.Draw(DrawGolden.PlanId, DrawGolden.Roster, sampling, DrawGolden.Commitments, DrawGolden.Nonces)).Record;
        Assert.Equal(4, record.Selected.Count);
        var owned = record.Selected.Single(s => s.TargetId == "2026-371002-48-01-000101");
        Assert.Equal(["h02", "m01", "t01"], owned.Officers.Order(StringComparer.Ordinal));
        Assert.True(DrawEngine.Verify(record).IsValid);
    }

    [Fact]
    public void Reveals_that_do_not_match_or_are_short_or_missing_are_refused()
    {
        Assert.Equal("The nonce does not hash to the commitment.", DrawCommitments.RevealProblem(DrawGolden.Commitments["market"], DrawGolden.Nonces["housing"]));
        Assert.Contains("at least 32", DrawCommitments.RevealProblem(DrawCommitments.Commit("short"), "short"), StringComparison.Ordinal);
        Assert.Null(DrawCommitments.RevealProblem(DrawGolden.Commitments["market"], DrawGolden.Nonces["market"]));

        var missing = new Dictionary<string, string>(DrawGolden.Nonces);
        missing.Remove("transport");
        var outcome = DrawEngine.Draw(DrawGolden.PlanId, DrawGolden.Roster, DrawGolden.Sampling, DrawGolden.Commitments, missing);
        Assert.Equal("Department 'transport' committed but has not revealed its nonce.", Assert.IsType<DrawRefused>(outcome).Reason);
    }

    [Fact]
    public void A_roster_with_a_repeated_target_or_officer_is_refused()
    {
        Assert.Contains("appears more than once", DrawRoster.Create([new("a", "all", "x"), new("a", "all", "y")], []).Problem, StringComparison.Ordinal);
        Assert.Contains("appears more than once", DrawRoster.Create([], [new("housing", "o1", []), new("market", "o1", [])]).Problem, StringComparison.Ordinal);
    }

    private static ulong Raw(byte[] seed, string label, int index)
    {
        var block = HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes($"{label}:{index}"));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(block);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output) RunScript(string python, string recordFile)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "docs", "verify_draw.py"));
        start.ArgumentList.Add(recordFile);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "verify_draw.py did not finish within 30 s.");
        Assert.True(error.Length == 0, error);
        return (process.ExitCode, output.Trim());
    }
}
