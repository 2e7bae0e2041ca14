namespace Integration.Domain.Enforcement.Plans;

/// <summary>
/// What of a plan each principal reads. The parties (initiator, lead department, participants), the coordinator and
/// the operator read all of it. A department that is no party but was sent an assistance letter (协助办理函) reads the
/// plan's description, its letters and the tasks they concern (the target to act on), and nothing of the inspection
/// besides: no results or findings, no other department's letter, no recusals, no summary, no history.
/// </summary>
public static class PlanReaders
{
    public static bool IsParty(PlanState state, string principal, bool seesEverything)
    {
        ArgumentNullException.ThrowIfNull(state);
        return seesEverything || state.Parties.Contains(principal, StringComparer.Ordinal);
    }

    /// <summary>The plan as <paramref name="principal"/> may read it, or null when it may not read it at all.</summary>
    public static PlanState? Scope(PlanState state, string principal, bool seesEverything)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (IsParty(state, principal, seesEverything))
        {
            return state;
        }

        var letters = state.Letters.Where(l => l.To == principal).ToArray();
        if (letters.Length == 0)
        {
            return null;
        }

        var concerned = letters.Select(l => l.TaskId).ToHashSet(StringComparer.Ordinal);
        return state with
        {
            Letters = letters,
            Tasks = state.Tasks.Where(t => concerned.Contains(t.TaskId))
                .Select(t => t with { Result = null, Recusals = [], Leads = [], Exception = null })
                .ToArray(),
            Summary = [],
        };
    }
}
