using Integration.Domain.Calendar;

namespace Integration.Domain.Leads;

/// <summary>
/// A listing filter. <see cref="Department"/> narrows to the leads relayed to that department, and then
/// <see cref="Status"/> and <see cref="Overdue"/> look at that department's part; without it they look
/// at the lead as a whole.
/// </summary>
public sealed record LeadQuery(string Viewer, bool SeesEverything, string? Department, string? Status, bool? Overdue)
{
    public bool Matches(LeadState state, DateTimeOffset now, WorkingDayCalendar calendar, string coordinator)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!LeadMachine.CanSee(state, Viewer, SeesEverything))
        {
            return false;
        }

        var part = Department is null ? null : state.PartOf(Department);
        var waitsForCoordinator = Department == coordinator && state.Assignment is not null;
        if (Department is not null && part is null && !waitsForCoordinator)
        {
            return false;
        }

        if (Status is not null)
        {
            var actual = part is not null && !waitsForCoordinator ? LeadNames.Of(part.Status) : LeadNames.Of(state.Status);
            if (actual != Status)
            {
                return false;
            }
        }

        if (Overdue is { } overdue)
        {
            var clocks = LeadClocks.Overdue(state, calendar, now, coordinator).Where(c => Department is null || c.Department == Department);
            if (clocks.Any() != overdue)
            {
                return false;
            }
        }

        return true;
    }
}
