using Integration.Domain.Enforcement.Draw;
using Integration.Functions.Enforcement.Rosters;

namespace Integration.Functions.Enforcement;

/// <summary>The libraries a plan's roster is frozen from on approval: targets in scope and the participants' active officers, in DRAW-v1's order.</summary>
public interface IPlanRoster
{
    /// <summary>The frozen roster, or why the libraries cannot be frozen into one (e.g. one officer id in two departments).</summary>
    Task<(DrawRoster? Roster, string? Problem)> FreezeAsync(
        IReadOnlyCollection<string> regions, IReadOnlyCollection<string> industries, IReadOnlyCollection<string> participants, CancellationToken cancellationToken);
}

/// <summary>The plan's roster from the enforcement library (officer lists, approval projects and imported targets).</summary>
public sealed class LibraryPlanRoster(EnforcementRosters rosters) : IPlanRoster
{
    public async Task<(DrawRoster? Roster, string? Problem)> FreezeAsync(
        IReadOnlyCollection<string> regions, IReadOnlyCollection<string> industries, IReadOnlyCollection<string> participants, CancellationToken cancellationToken)
    {
        try
        {
            return (await rosters.FreezeAsync(regions, industries, participants, cancellationToken), null);
        }
        catch (InvalidOperationException e)
        {
            // The library refuses a roster DRAW-v1 cannot draw from; the coordinator corrects the library and approves again.
            return (null, e.Message);
        }
    }
}
