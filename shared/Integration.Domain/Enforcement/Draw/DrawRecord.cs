namespace Integration.Domain.Enforcement.Draw;

/// <summary>
/// One drawn target and its officers, in draw order. <see cref="Recused"/> names the roster officers left out of this
/// target's pool because they recuse its owner: a verifier needs it to rebuild the pool, and it discloses only the
/// conflicts that touched a drawn target, not anyone's recusal list.
/// </summary>
public sealed record DrawnTarget(string TargetId, IReadOnlyList<string> Officers, IReadOnlyList<string> Recused);

/// <summary>
/// An officer replaced after the draw (回避 declared once the officer saw the task): the <see cref="Round"/>-th re-draw of
/// the target picks <see cref="Officer"/> in place of <see cref="Replaced"/>, with label
/// <c>officers:{targetId}:redraw:{round}</c> over the roster's officers minus the target's recused officers, those on
/// the task and those replaced before. Derived from the seed like the draw itself, so nobody chooses the replacement.
/// </summary>
public sealed record DrawRedraw(string TargetId, int Round, string Replaced, string Officer);

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

    /// <summary>The re-draws after the draw, in the order they were made; a record without any reads as an empty list.</summary>
    public IReadOnlyList<DrawRedraw> Redraws { get; init; } = [];

    /// <summary>The officers a drawn target has now: its selection with every re-draw applied in order (a replacement takes its predecessor's place).</summary>
    public IReadOnlyList<string>? OfficersOf(string targetId)
    {
        if (Selected.FirstOrDefault(s => s.TargetId == targetId) is not { } drawn)
        {
            return null;
        }

        var officers = drawn.Officers.ToList();
        foreach (var redraw in Redraws.Where(r => r.TargetId == targetId))
        {
            var at = officers.IndexOf(redraw.Replaced);
            if (at >= 0)
            {
                officers[at] = redraw.Officer;
            }
        }

        return officers;
    }
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
