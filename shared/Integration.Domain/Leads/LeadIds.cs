using System.Text.RegularExpressions;

namespace Integration.Domain.Leads;

/// <summary>
/// Lead ids are chosen by their submitter, except those of leads made from enforcement findings, which the platform
/// derives from the finding (<c>{planId}.{taskId}.F{n}</c>, or <c>F-</c> and 40 hex digits when that is too long).
/// That shape is reserved: a submitter who could choose it would create the lead a finding will need first, and so
/// capture it (the finding's lead would then be refused as taken).
/// </summary>
public static partial class LeadIds
{
    public const string ReservedRule = "ending in '.F' and digits, or 'F-' and 40 hex digits, is reserved for leads made from enforcement findings";

    public static bool IsReservedForFindings(string leadId)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        return FindingShape().IsMatch(leadId);
    }

    [GeneratedRegex(@"(\.F[0-9]+|^F-[0-9a-f]{40})$", RegexOptions.CultureInvariant)]
    private static partial Regex FindingShape();
}
