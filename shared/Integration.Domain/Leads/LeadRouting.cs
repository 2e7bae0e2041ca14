using Integration.Domain.Routing;

namespace Integration.Domain.Leads;

public sealed record LeadRoute(string Department, RecipientRole Role, string Reason);

/// <summary>Where a lead goes at intake; when <see cref="AssignmentReason"/> is set, the coordinator must route it.</summary>
public sealed record LeadRouteDecision(IReadOnlyList<LeadRoute> Recipients, string? AssignmentReason);

/// <summary>
/// "谁监管": a lead goes to the departments that claimed the project's approval; failing that, to
/// those the responsibility list names for the lead's industry in the project's region; failing that,
/// to the coordinator to route. Bid rigging, fraud and suspected crimes also go to police at once.
/// </summary>
public static class LeadRouting
{
    /// <param name="police">The police department, or null in a municipality that has none on the platform.</param>
    public static LeadRouteDecision Decide(LeadSubmission lead, IReadOnlyList<string> claiming, ResponsibilityList list, string? police)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(claiming);
        ArgumentNullException.ThrowIfNull(list);
        var routes = new List<LeadRoute>();
        string? assignment = null;
        if (claiming.Count > 0)
        {
            routes.AddRange(claiming.Distinct(StringComparer.Ordinal)
                .Select(d => new LeadRoute(d, d == police ? RecipientRole.Police : RecipientRole.Supervisor, $"claimed the approval of project {lead.ProjectCode}")));
        }
        else if (lead.Industry is { } industry)
        {
            var listed = list.RouteFor(industry, lead.RegionCode, []);
            if (listed.All(r => r.Department == list.Coordinator))
            {
                // The coordinator named alone is the list's "nobody is competent": it routes the lead by hand.
                assignment = listed[0].Reason;
            }
            else
            {
                routes.AddRange(listed.Select(r => new LeadRoute(r.Department, r.Department == police ? RecipientRole.Police : RecipientRole.Supervisor, r.Reason)));
            }
        }
        else
        {
            assignment = $"no department has claimed project {lead.ProjectCode} and the lead names no industry: the coordinator routes it";
        }

        if (police is not null && LeadVocabulary.GoesToPolice(lead.Category, lead.SuspectedCrime) && routes.All(r => r.Department != police))
        {
            var why = lead.SuspectedCrime ? "a suspected crime" : $"category {lead.Category}";
            routes.Add(new LeadRoute(police, RecipientRole.Police, $"{why}: police receive it at the same time"));
        }

        return new LeadRouteDecision(routes, assignment);
    }
}
