using Integration.Domain.Enforcement.Draw;

namespace Integration.Functions.Enforcement;

/// <summary>The libraries a plan's roster is frozen from on approval: targets in scope and the participants' active officers, in DRAW-v1's order.</summary>
public interface IPlanRoster
{
    Task<DrawRoster> FreezeAsync(IReadOnlyCollection<string> regions, IReadOnlyCollection<string> industries, IReadOnlyCollection<string> participants, CancellationToken cancellationToken);
}
