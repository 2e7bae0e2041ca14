namespace Integration.Functions.Reports;

/// <summary>One stored version of a period's report: its content is found by <see cref="Sha256"/>.</summary>
public sealed record ReportVersion(int Version, string Sha256, DateTimeOffset GeneratedAt, DateTimeOffset AsOf, bool Partial, int? Supersedes, string RequestedBy, int Chunks);

/// <summary>The record of a period's coordination reports (kind <c>coordination-report</c>, id = the period): its versions.</summary>
public sealed record CoordinationReportState
{
    public required string Period { get; init; }

    public IReadOnlyList<ReportVersion> Versions { get; init; } = [];

    public ReportVersion? Latest => Versions.Count == 0 ? null : Versions[^1];
}
