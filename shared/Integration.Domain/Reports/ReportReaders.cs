namespace Integration.Domain.Reports;

/// <summary>
/// What of a coordination report each principal reads: the coordinator and the operator the whole report; a member
/// department the period's header and its own section (its figures, its late items, and whether it is named), never the
/// municipality's totals or another department's figures. The coordination report's fan-out message carries the same.
/// </summary>
public static class ReportReaders
{
    /// <summary>The report cut to one department's section; <c>Municipality</c> is kept in the record but never shown to it.</summary>
    public static ReportContent SectionOf(ReportContent content, string department)
    {
        ArgumentNullException.ThrowIfNull(content);
        return content with
        {
            Departments = content.Departments.Where(d => d.Department == department).ToArray(),
            Named = content.Named.Where(n => n.Department == department).ToArray(),
        };
    }
}
