using Integration.Domain.Enforcement.Draw;

namespace Integration.Tests.Enforcement.Draw;

/// <summary>The small draw written out in docs/draw.md; its numbers were computed by docs/verify_draw.py's functions, not by this code.</summary>
internal static class DrawGolden
{
    public const string PlanId = "WH-2026-JE-001";
    public const string RosterHash = "72ed1336ce588a9d12c370547463b8194bf4d78b8494cce226fa2ef5a1ee36e8";
    public const string Seed = "4b50ac9b5299a815384bbc59b03d33748e5093b4d066a34cb5c08bcfa94fd826";

    public static readonly IReadOnlyDictionary<string, string> Nonces = new Dictionary<string, string>
    {
        ["housing"] = "housing-nonce-7f3a9c2e5b8d4f6a1c0e9b7d",
        ["market"] = "market-nonce-2b6e8a4c1f9d7e3b5a0c8f6d",
        ["transport"] = "transport-nonce-9d1c7b5e3a8f6c4e2b0d",
    };

    public static readonly IReadOnlyDictionary<string, string> Commitments = new Dictionary<string, string>
    {
        ["housing"] = "0b2f936bc9fcd74b3e55a8245c9980d5fbc87db0845d6921611ecd004475f4aa",
        ["market"] = "7f38b4d77b7ac2cb9317c2789df2b5fbb82989ade730ab90c6d45ffdc710286e",
        ["transport"] = "7d3b935494a9cba2fcb4f4bd93f9e1232e4f47f1e8fd56a2a674778a86010d56",
    };

    public static DrawSampling Sampling { get; } = new([new SamplingStratum("low", 2.5m, 1), new SamplingStratum("high", 50m, 1)], 2);

    // Given out of order on purpose: the roster sorts itself.
    public static DrawRoster Roster { get; } = DrawRoster.Create(
        [
            new("2026-371002-48-01-000110", "low", "914403001922038216"),
            new("2026-371002-48-01-000101", "high", "914403001922038216"),
            new("2026-371002-48-01-000102", "low", "9144030071526726XG"),
            new("2026-371002-48-01-000103", "high", "91330100716105852F"),
            new("2026-371002-48-01-000104", "low", "914403001922038216"),
            new("2026-371002-48-01-000105", "unrated", "91350100M000100Y43"),
            new("2026-371002-48-01-000106", "high", "91350100M000100Y43"),
            new("2026-371002-48-01-000107", "low", "91330100716105852F"),
            new("2026-371002-48-01-000108", "high", "914403001922038216"),
            new("2026-371002-48-01-000109", "low", "9144030071526726XG"),
        ],
        [
            new("transport", "t01", []),
            new("market", "m02", ["914403001922038216"]),
            new("housing", "h01", ["914403001922038216"]),
            new("housing", "h02", []),
            new("market", "m01", []),
        ]).Roster!;

    public const string RedrawnTarget = "2026-371002-48-01-000103";

    public static DrawRecord Draw() =>
        Assert.IsType<DrawCompleted>(DrawEngine.Draw(PlanId, Roster, Sampling, Commitments, Nonces)).Record;

    /// <summary>The draw with the documented re-draws applied: m02 steps aside on target …103, then its replacement does.</summary>
    public static DrawRecord Redrawn()
    {
        var record = Draw();
        foreach (var officer in new[] { "m02", "m01" })
        {
            var (redraw, problem) = DrawEngine.Redraw(record, RedrawnTarget, officer);
            Assert.True(redraw is not null, problem);
            record = record with { Redraws = [.. record.Redraws, redraw!] };
        }

        return record;
    }
}
