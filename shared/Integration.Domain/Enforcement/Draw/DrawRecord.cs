namespace Integration.Domain.Enforcement.Draw;

/// <summary>
/// One drawn target and its officers, in draw order. <see cref="Recused"/> names the roster officers left out of this
/// target's pool because they recuse its owner: a verifier needs it to rebuild the pool, and it discloses only the
/// conflicts that touched a drawn target, not anyone's recusal list.
/// </summary>
public sealed record DrawnTarget(string TargetId, IReadOnlyList<string> Officers, IReadOnlyList<string> Recused);

/// <summary>
/// Everything needed to re-run the draw: the rules, the frozen roster, the commitments and nonces by department, the
/// seed (lowercase hex) and the selection. <see cref="Verify"/> recomputes all of it.
/// </summary>
public sealed record DrawRecord(
    string Algorithm,
    string PlanId,
    DrawSampling Sampling,
    DrawRoster Roster,
    string RosterHash,
    IReadOnlyDictionary<string, string> Commitments,
    IReadOnlyDictionary<string, string> Nonces,
    string Seed,
    IReadOnlyList<DrawnTarget> Selected)
{
    public const string Version = "DRAW-v1";
}

/// <summary>What a draw comes to: a record, or why it cannot be made (nothing is dispatched then).</summary>
public abstract record DrawOutcome;

public sealed record DrawCompleted(DrawRecord Record) : DrawOutcome;

public sealed record DrawRefused(string Reason) : DrawOutcome;

/// <summary>The answer of <see cref="DrawEngine.Verify"/>: valid, or the first thing that does not match.</summary>
public sealed record DrawVerification(bool IsValid, string? Mismatch)
{
    public static DrawVerification Valid { get; } = new(true, null);

    public static DrawVerification Invalid(string mismatch) => new(false, mismatch);
}
