namespace Integration.Functions.Reports;

/// <summary>
/// One stored version of a period's report: its JSON content is the artefact <see cref="Sha256"/>, its page and workbook
/// the artefacts <see cref="Html"/> and <see cref="Workbook"/>. <see cref="Chunks"/> &gt; 0 marks a version stored before
/// artefacts, whose content is in table rows and whose documents are rendered on request.
/// </summary>
public sealed record ReportVersion(
    int Version, string Sha256, DateTimeOffset GeneratedAt, DateTimeOffset AsOf, bool Partial, int? Supersedes, string RequestedBy, int Chunks,
    DateOnly? AckFrom = null, int AckWorkingDays = 0, string? Html = null, string? Workbook = null);

/// <summary>A department's acknowledgement of a version (签收), with the agenda items it submits for the meeting.</summary>
public sealed record ReportAcknowledgement(int Version, string Department, DateTimeOffset At, bool Late, int WorkingDaysLate, IReadOnlyList<string> Agenda);

/// <summary>The record of a period's coordination reports (kind <c>coordination-report</c>, id = the period): its versions.</summary>
public sealed record CoordinationReportState
{
    public required string Period { get; init; }

    public IReadOnlyList<ReportVersion> Versions { get; init; } = [];

    public IReadOnlyList<ReportAcknowledgement> Acknowledgements { get; init; } = [];

    /// <summary>
    /// The version asked for and not yet published: committed before the request is answered, so a process killed after
    /// its 202 still knows to make it (<see cref="ReportRunRecovery"/>). Cleared by the commit that publishes it.
    /// </summary>
    public ReportRun? Pending { get; init; }

    public ReportAcknowledgement? AcknowledgementOf(int version, string department) =>
        Acknowledgements.FirstOrDefault(a => a.Version == version && a.Department == department);

    public ReportVersion? Latest => Versions.Count == 0 ? null : Versions[^1];
}
