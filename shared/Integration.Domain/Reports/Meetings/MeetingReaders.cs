namespace Integration.Domain.Reports.Meetings;

/// <summary>
/// What of a coordination meeting each principal reads. The coordinator and the operator read everything. A period's
/// meeting belongs to every member department, but each reads only its own action items. An extra meeting is read by
/// its requester and the owners of its action items; once the coordinator has scheduled it, the member departments it
/// was announced to read its time and agenda too, without the request's reason and items. Systems read none.
/// </summary>
public static class MeetingReaders
{
    /// <summary>The meeting as <paramref name="principal"/> may read it, or null when it may not read it at all.</summary>
    public static MeetingState? Scope(MeetingState state, string principal, bool seesEverything, bool isDepartment)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (seesEverything)
        {
            return state;
        }

        if (!isDepartment)
        {
            return null;
        }

        var own = state.ActionItems.Where(a => a.Owner == principal).ToArray();
        if (state.Period is not null || state.RequestedBy == principal || own.Length > 0)
        {
            return state with { ActionItems = own };
        }

        return state.Status is MeetingStatus.Scheduled or MeetingStatus.Held
            ? state with { ActionItems = own, Reason = null, Submitted = [], RequestFingerprint = null }
            : null;
    }

    /// <summary>The history names every action item and the request: only those who read everything read it.</summary>
    public static bool ReadsHistory(bool seesEverything) => seesEverything;
}
