using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Identity;
using Integration.Domain.Reports;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Reports;

/// <summary>
/// A stored report as its reader may have it (<see cref="ReportReaders"/>): the coordinator and the operator get the
/// stored, hash-checked artefacts; a department a copy of its own section, rendered on request from the stored content,
/// the same way for the JSON, the printable page, the workbook and the console.
/// </summary>
public static class ReportSections
{
    public static bool ReadsWhole(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.SeesEverything;
    }

    /// <summary>
    /// The body <c>GET …/{period}</c> answers a department: the report's header with <c>departments</c> and <c>named</c>
    /// cut to its own, no <c>municipality</c>, and no <c>artefacts</c> (their hashes are of the whole report's documents).
    /// <c>sha256</c> still names the version's whole content; <c>section</c> says whose copy this is.
    /// </summary>
    public static JsonObject Body(StoredReport report, string department)
    {
        ArgumentNullException.ThrowIfNull(report);
        var own = ReportReaders.SectionOf(report.Content, department);
        var body = report.Body.DeepClone().AsObject();
        body.Remove("municipality");
        body.Remove("artefacts");
        body["departments"] = JsonSerializer.SerializeToNode(own.Departments, RecordJson.Options);
        body["named"] = JsonSerializer.SerializeToNode(own.Named, RecordJson.Options);
        body["section"] = department;
        return body;
    }

    public static byte[] Document(StoredReport report, ReportDocument document, string department, PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(report);
        var own = ReportReaders.SectionOf(report.Content, department);
        return document == ReportDocument.Html
            ? Encoding.UTF8.GetBytes(ReportDocuments.Html(own, report.Version.Sha256, registry, municipality: false))
            : ReportDocuments.Workbook(own, report.Version.Sha256, municipality: false);
    }
}
