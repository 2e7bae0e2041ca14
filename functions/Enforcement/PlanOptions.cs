using Integration.Domain.Calendar;
using Integration.Domain.Enforcement.Plans;

namespace Integration.Functions.Enforcement;

/// <summary>
/// The <c>Enforcement</c> configuration section as the plan flow reads it: its working-day clocks
/// (defaults of 威海, seed 000 §(十七) and 001 §(七)).
/// </summary>
public sealed class PlanOptions
{
    public const string Section = "Enforcement";

    /// <summary>会商: each participant confirms or objects within this many working days of the request.</summary>
    public int ConsultationWorkingDays { get; set; } = 3;

    /// <summary>协助办理函: the department asked for assistance answers within this many working days.</summary>
    public int AssistanceWorkingDays { get; set; } = 3;

    /// <summary>From the roster freeze to the last commitment of the draw.</summary>
    public int CommitWorkingDays { get; set; } = 2;

    /// <summary>From the last commitment to the last reveal of the draw.</summary>
    public int RevealWorkingDays { get; set; } = 2;

    /// <summary>A plan's default publishWithinWorkingDays (001 §(七): within 5 working days after the inspection).</summary>
    public int PublishWithinWorkingDays { get; set; } = 5;

    public IEnumerable<string> Problems()
    {
        foreach (var (name, value, max) in new[]
        {
            (nameof(ConsultationWorkingDays), ConsultationWorkingDays, WorkingDayCalendar.MaxWorkingDays),
            (nameof(AssistanceWorkingDays), AssistanceWorkingDays, WorkingDayCalendar.MaxWorkingDays),
            (nameof(CommitWorkingDays), CommitWorkingDays, WorkingDayCalendar.MaxWorkingDays),
            (nameof(RevealWorkingDays), RevealWorkingDays, WorkingDayCalendar.MaxWorkingDays),
            (nameof(PublishWithinWorkingDays), PublishWithinWorkingDays, PlanInputs.MaxPublishWithinWorkingDays),
        })
        {
            if (value < 1 || value > max)
            {
                yield return $"{Section}:{name} is {value}; it must be from 1 to {max}.";
            }
        }
    }
}
