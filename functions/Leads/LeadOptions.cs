using Integration.Domain.Calendar;
using Integration.Domain.Identity;

namespace Integration.Functions.Leads;

/// <summary>The <c>Leads</c> configuration section: the flow's clocks and parties (defaults from seed 000 §(九)(十四)).</summary>
public sealed class LeadOptions
{
    public const string Section = "Leads";

    /// <summary>From the day of discovery to the relay (移送), and from a return to the coordinator's new routing.</summary>
    public int RelayWorkingDays { get; set; } = 3;

    /// <summary>From the receipt to a return by a recipient that is not competent.</summary>
    public int ReturnWorkingDays { get; set; } = 3;

    /// <summary>From the end of handling to the result's feedback.</summary>
    public int FeedbackWorkingDays { get; set; } = 3;

    /// <summary>The department that receives bid rigging, fraud and suspected crimes alongside the supervisor.</summary>
    public string Police { get; set; } = "police";

    /// <summary>The principals that may submit leads: the trading centre (and, in another municipality, its branches).</summary>
    public string[] Submitters { get; set; } = ["trading-center"];

    /// <summary>
    /// Every problem with the options, naming the setting. The default police and submitter may be
    /// missing from a municipality's file (then nobody receives leads alongside the supervisor, or
    /// nobody submits them), but a value someone configured must name a principal that exists.
    /// </summary>
    public IEnumerable<string> Problems(PrincipalRegistry registry, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var (name, value) in new[] { (nameof(RelayWorkingDays), RelayWorkingDays), (nameof(ReturnWorkingDays), ReturnWorkingDays), (nameof(FeedbackWorkingDays), FeedbackWorkingDays) })
        {
            if (value is < 1 or > WorkingDayCalendar.MaxWorkingDays)
            {
                yield return $"{Section}:{name} is {value}; it must be from 1 to {WorkingDayCalendar.MaxWorkingDays}.";
            }
        }

        if (configuration.GetSection($"{Section}:{nameof(Police)}").Exists() && !registry.IsDepartment(Police))
        {
            yield return $"{Section}:{nameof(Police)} names '{Police}', which is not a department of {registry.Municipality}.";
        }

        if (configuration.GetSection($"{Section}:{nameof(Submitters)}").Exists())
        {
            foreach (var submitter in Submitters.Where(s => registry.Find(s) is null))
            {
                yield return $"{Section}:{nameof(Submitters)} names '{submitter}', which is not a principal of {registry.Municipality}.";
            }
        }
    }
}
