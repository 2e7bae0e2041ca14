using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Domain.Reports;
using Integration.Domain.Storage;
using Integration.Functions.Approvals;
using Integration.Functions.Calendar;
using Integration.Functions.Enforcement;
using Integration.Functions.Infrastructure.Artefacts;
using Integration.Functions.Leads;
using Integration.Functions.Platform.Records;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Reports;

/// <summary>A stored report as the API returns it: the content, when it was generated, and the SHA-256 of the content.</summary>
public sealed record StoredReport(ReportVersion Version, JsonObject Body, ReportContent Content);

/// <summary>One run that makes a version of a period's report: the input of its orchestration and of the synchronous path.</summary>
public sealed record ReportRun(string Period, int Version, int? Supersedes, string RequestedBy);

/// <summary>The SHA-256 of each stored artefact of a version.</summary>
public sealed record ReportArtefacts(string Json, string Html, string Workbook);

public enum ReportDocument
{
    Html,
    Workbook,
}

/// <summary>
/// Coordination reports (协调会商通报): computed from the approval, lead and plan listing indexes, stored once per period and
/// version as content-addressed artefacts (JSON, HTML, xlsx, each with its SHA-256), and fanned out as one <c>coordination.report</c> message per department
/// on topic <c>coordination-reports</c>, committed with the version (outbox), MessageId
/// <c>report:{period}:v{version}:{department}</c>.
/// </summary>
public sealed class CoordinationReports(
    RecordStore records,
    ITableStore store,
    ApprovalIndex approvals,
    LeadIndex leads,
    PlanIndex plans,
    Meetings.MeetingActionIndex actionItems,
    IArtefactStore artefacts,
    CalendarSource calendar,
    PrincipalRegistry registry,
    IOptions<ReportOptions> options,
    TimeProvider time)
{
    public const string AckReminder = "ack-reminder";
    public const string RunCheck = "run-check";
    public const string RunCheckAction = "coordination-report.run-check";
    public const string AckDue = "ack-due";
    public const string AckReminderAction = "coordination-report.ack-reminder";
    public const string AckOverdueAction = "coordination-report.ack-overdue";
    public const string Kind = "coordination-report";
    public const string Topic = "coordination-reports";
    public const string Subject = "coordination.report";
    public const string DepartmentProperty = "department";
    public const string ContentTable = "CoordinationReports";

    /// <summary>About 100 bytes each: a message stays well under 64 KB.</summary>
    public const int MaxOverdueItemsInMessage = 200;

    public static RecordKey Key(string period) => new(Kind, period);

    public static string Link(string period, int version) => $"/api/reports/coordination/{period}?version={version.ToString(CultureInfo.InvariantCulture)}";

    public static string MessageId(string period, int version, string department) =>
        string.Create(CultureInfo.InvariantCulture, $"report:{period}:v{version}:{department}");

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Every department's subscription filters on its own id; the coordinator's receives every department's message.</summary>
    public static IReadOnlyList<Infrastructure.Topics.TopicDefinition> Topics(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return
        [
            new Infrastructure.Topics.TopicDefinition
            {
                Name = Topic,
                Subscriptions = registry.All
                    .Where(p => p.Has(PrincipalRole.Department))
                    .OrderBy(p => p.Id, StringComparer.Ordinal)
                    .Select(p => new Infrastructure.Topics.SubscriptionDefinition
                    {
                        Name = p.Id,
                        Filters = p.Has(PrincipalRole.Coordinator) ? [] : [Infrastructure.Topics.CorrelationFilter.Property(DepartmentProperty, p.Id)],
                    })
                    .ToArray(),
            },
        ];
    }

    /// <summary>The latest version (or <paramref name="version"/>) of the period's report, or null.</summary>
    public async Task<StoredReport?> GetAsync(string period, int? version, CancellationToken cancellationToken)
    {
        var record = await records.GetAsync<CoordinationReportState>(Key(period), cancellationToken);
        var stored = version is null ? record?.State.Latest : record?.State.Versions.FirstOrDefault(v => v.Version == version);
        return stored is null ? null : await ReadAsync(period, stored, cancellationToken);
    }

    /// <summary>
    /// The period's report, synchronously (the path without the Durable Task engine, and the timer's when the engine is
    /// off): the existing latest version unless <paramref name="regenerate"/>, else a new version made by the same three
    /// steps the orchestration runs. Created is false when an existing version is returned.
    /// </summary>
    public async Task<(StoredReport Report, bool Created)> RequestAsync(ReportPeriod period, bool regenerate, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var (existing, run) = await NextAsync(period.Name, regenerate, requestedBy, cancellationToken);
        if (run is null)
        {
            return (await ReadAsync(period.Name, existing!, cancellationToken), false);
        }

        var published = await MakeAsync(run, cancellationToken);
        if (published is null)
        {
            // Another request made this version number meanwhile: that one is the report.
            var current = await records.GetAsync<CoordinationReportState>(Key(period.Name), cancellationToken);
            return (await ReadAsync(period.Name, current!.State.Latest!, cancellationToken), false);
        }

        return (await ReadAsync(period.Name, published, cancellationToken), true);
    }

    /// <summary>The three steps of a run in place, as its orchestration would run them; null when another run published this version number first.</summary>
    public async Task<ReportVersion?> MakeAsync(ReportRun run, CancellationToken cancellationToken)
    {
        var json = await ComputeAndStoreAsync(run, cancellationToken);
        var artefacts = await RenderAndStoreAsync(run, json, cancellationToken);
        return await PublishAsync(run, artefacts, cancellationToken);
    }

    /// <summary>The period's latest version when it is the answer (it exists and no regeneration is asked), else the run that makes the next version.</summary>
    public async Task<(ReportVersion? Existing, ReportRun? Run)> NextAsync(string period, bool regenerate, string requestedBy, CancellationToken cancellationToken)
    {
        var existing = await records.GetAsync<CoordinationReportState>(Key(period), cancellationToken);
        var latest = existing?.State.Latest;
        return latest is not null && !regenerate
            ? (latest, null)
            : (latest, new ReportRun(period, (latest?.Version ?? 0) + 1, latest?.Version, requestedBy));
    }

    /// <summary>
    /// Step 1: computes the content from the indexes and stores it as JSON, content-addressed; returns its SHA-256. Repeated
    /// after a crash it stores again (the same bytes, or, while the period runs, a later <c>asOf</c>); nothing points at
    /// it before <see cref="PublishAsync"/>. A version already published keeps its content.
    /// </summary>
    public async Task<string> ComputeAndStoreAsync(ReportRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (await PublishedAsync(run, cancellationToken) is { } published)
        {
            return published.Sha256;
        }

        var (period, problem) = ReportPeriod.Parse(run.Period);
        if (period is null)
        {
            throw new ArgumentException($"Not a report period: {problem}", nameof(run));
        }

        var content = await ComputeAsync(period, run.Version, run.Supersedes, cancellationToken);
        return await artefacts.PutAsync(JsonSerializer.SerializeToUtf8Bytes(content, RecordJson.Options), cancellationToken);
    }

    /// <summary>Step 2: the printable page and the workbook, rendered once from the stored (hash-checked) JSON and stored content-addressed.</summary>
    public async Task<ReportArtefacts> RenderAndStoreAsync(ReportRun run, string json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (await PublishedAsync(run, cancellationToken) is { Html: { } publishedHtml, Workbook: { } publishedWorkbook } published)
        {
            return new ReportArtefacts(published.Sha256, publishedHtml, publishedWorkbook);
        }

        var content = await ContentAsync(json, cancellationToken);
        var html = await artefacts.PutAsync(Encoding.UTF8.GetBytes(ReportDocuments.Html(content, json, registry)), cancellationToken);
        var workbook = await artefacts.PutAsync(ReportDocuments.Workbook(content, json), cancellationToken);
        return new ReportArtefacts(json, html, workbook);
    }

    /// <summary>
    /// Step 3: commits the version (pointing at its stored artefacts) with its fan-out, one outbox message per department,
    /// in one batch: a version is either whole or absent, and a repeat finds it and commits nothing. Null when another
    /// run published this version number first.
    /// </summary>
    public async Task<ReportVersion?> PublishAsync(ReportRun run, ReportArtefacts stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(stored);
        var content = await ContentAsync(stored.Json, cancellationToken);
        var generatedAt = time.GetUtcNow();
        var ackDays = options.Value.AckWorkingDays;
        var version = new ReportVersion(
            run.Version, stored.Json, generatedAt, content.AsOf, content.Partial, run.Supersedes, run.RequestedBy, Chunks: 0,
            ChinaTime.DateOf(generatedAt), ackDays, stored.Html, stored.Workbook);

        Change<CoordinationReportState> ChangeFor(CoordinationReportState state) => new()
        {
            // Publishing the pending version ends its check in the same batch.
            State = state with { Versions = [.. state.Versions, version], Pending = state.Pending?.Version == run.Version ? null : state.Pending },
            Cancel = state.Pending?.Version == run.Version ? [RunCheck] : [],
            Action = "coordination-report.generated",
            Principal = run.RequestedBy,
            Details = new { period = run.Period, version = run.Version, sha256 = stored.Json, html = stored.Html, xlsx = stored.Workbook, partial = content.Partial, asOf = content.AsOf, supersedes = run.Supersedes },
            Messages = content.Departments.Select(section => Message(content, section, stored.Json)).ToList(),

            // Each version restarts the acknowledgement clock: a reminder at the start of its last working day, then the warning.
            Schedule =
            [
                .. WorkingDayDeadlines.Schedules(
                [
                    new ClockStart(AckReminder, AckReminderAction, new ClockBasis(ChinaTime.DateOf(generatedAt), ackDays), Reminder: true, Data: null),
                    new ClockStart(AckDue, AckOverdueAction, new ClockBasis(ChinaTime.DateOf(generatedAt), ackDays), Reminder: false, Data: null),
                ],
                calendar.Current,
                generatedAt),
            ],
        };

        var key = Key(run.Period);
        if (await records.GetAsync<CoordinationReportState>(key, cancellationToken) is null)
        {
            try
            {
                var created = await records.CreateAsync(key, ChangeFor(new CoordinationReportState { Period = run.Period }), cancellationToken);
                return created.Record.State.Versions.FirstOrDefault(v => v.Version == run.Version && v.Sha256 == stored.Json);
            }
            catch (RecordExistsException)
            {
                // Made meanwhile: decided below, like any other update.
            }
        }

        var committed = await records.UpdateAsync<CoordinationReportState>(key, current =>
            current.State.Versions.Any(v => v.Version == run.Version) || current.State.Latest?.Version != run.Supersedes ? null : ChangeFor(current.State),
            cancellationToken);
        var mine = committed.Record.State.Versions.FirstOrDefault(v => v.Version == run.Version);

        // A repeat of this step after a crash finds its own version (the same content); any other is someone else's.
        return mine is not null && mine.Sha256 == stored.Json ? mine : null;
    }

    private async Task<ReportVersion?> PublishedAsync(ReportRun run, CancellationToken cancellationToken) =>
        (await records.GetAsync<CoordinationReportState>(Key(run.Period), cancellationToken))?.State.Versions.FirstOrDefault(v => v.Version == run.Version);

    private async Task<ReportContent> ContentAsync(string sha256, CancellationToken cancellationToken)
    {
        var bytes = await artefacts.GetAsync(sha256, cancellationToken)
            ?? throw new InvalidOperationException($"The report content {sha256} is not in the artefact store.");
        return JsonSerializer.Deserialize<ReportContent>(bytes, RecordJson.Options)!;
    }

    /// <summary>The stored page or workbook of a version; versions stored before artefacts existed are rendered from their content.</summary>
    public async Task<byte[]> DocumentAsync(StoredReport report, ReportDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sha256 = document == ReportDocument.Html ? report.Version.Html : report.Version.Workbook;
        if (sha256 is null)
        {
            return document == ReportDocument.Html
                ? Encoding.UTF8.GetBytes(ReportDocuments.Html(report.Content, report.Version.Sha256, registry))
                : ReportDocuments.Workbook(report.Content, report.Version.Sha256);
        }

        return await ArtefactAsync(sha256, report.Content.Period, report.Version.Version, document == ReportDocument.Html ? "html" : "xlsx", cancellationToken)
            ?? throw new InvalidOperationException($"Report {report.Content.Period} v{report.Version.Version}: its {document} artefact {sha256} is not in the artefact store.");
    }

    /// <summary>
    /// A department acknowledges a version (the latest when <paramref name="version"/> is null), late or not, with agenda
    /// items for the meeting. Null when the period or version has no report; Changed is false for a repeat.
    /// </summary>
    public async Task<(ReportAcknowledgement? Acknowledgement, bool Changed)> AcknowledgeAsync(
        string period, int? version, string department, IReadOnlyList<string> agenda, CancellationToken cancellationToken)
    {
        var key = Key(period);
        if (await records.GetAsync<CoordinationReportState>(key, cancellationToken) is not { } existing)
        {
            return (null, false);
        }

        var committed = await records.UpdateAsync<CoordinationReportState>(key, current =>
        {
            var target = version is null ? current.State.Latest : current.State.Versions.FirstOrDefault(v => v.Version == version);
            if (target is null || current.State.AcknowledgementOf(target.Version, department) is not null)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var lateness = target.AckFrom is { } from ? LeadClocks.Measure(calendar.Current, new ClockBasis(from, target.AckWorkingDays), now) : Lateness.OnTime;
            var ack = new ReportAcknowledgement(target.Version, department, now, lateness.Late, lateness.WorkingDaysLate, agenda);
            return new Change<CoordinationReportState>
            {
                State = current.State with { Acknowledgements = [.. current.State.Acknowledgements, ack] },
                Action = "coordination-report.acknowledged",
                Principal = department,
                Details = ack,
            };
        }, cancellationToken);

        var state = committed.Record.State;
        var acked = version is null ? state.Latest : state.Versions.FirstOrDefault(v => v.Version == version);
        return acked is null ? (null, false) : (state.AcknowledgementOf(acked.Version, department), committed.Changed);
    }

    /// <summary>The acknowledgement clock of the latest version: a reminder to each department yet to acknowledge, then a warning to them and ndrc.</summary>
    public async Task<bool> OnDeadlineAsync(DeadlineDue due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var result = await records.UpdateAsync<CoordinationReportState>(due.Key, current =>
        {
            if (!due.IsCurrentFor(current) || current.State.Latest is not { } latest)
            {
                return null;
            }

            var missing = registry.All.Where(p => p.Has(PrincipalRole.Department)).Select(p => p.Id).Order(StringComparer.Ordinal)
                .Where(d => current.State.AcknowledgementOf(latest.Version, d) is null).ToArray();
            var overdue = due.Action == AckOverdueAction;
            var subject = overdue ? "coordination.ack-overdue" : "coordination.ack-reminder";
            var messages = missing.Select(d => Notice(subject, current.State.Period, latest.Version, d, [d])).ToList();

            // The coordinator also gets the list of every department that let the clock run out.
            var coordinator = registry.All.FirstOrDefault(p => p.Has(PrincipalRole.Coordinator))?.Id;
            if (overdue && coordinator is not null && missing.Length > 0)
            {
                messages.Add(Notice(subject, current.State.Period, latest.Version, coordinator, missing));
            }

            return new Change<CoordinationReportState>
            {
                State = current.State,
                Action = overdue ? AckOverdueAction : AckReminderAction,
                Principal = "system:deadline",
                Details = new { version = latest.Version, departments = missing },
                Messages = messages,
                Fired = [due.Deadline],
            };
        }, cancellationToken);
        return result.Changed;
    }

    private static OutboundMessage Notice(string subject, string period, int version, string to, IReadOnlyList<string> departments) => new(
        Topic,
        subject,
        new { period, version, link = Link(period, version), departments },
        new Dictionary<string, string> { [DepartmentProperty] = to, ["period"] = period });

    /// <summary>The report's content from the indexes, as of the period's end or now while the period runs.</summary>
    public async Task<ReportContent> ComputeAsync(ReportPeriod period, int version, int? supersedes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var (asOf, partial) = ReportCalculator.AsOfFor(period, time.GetUtcNow());
        var departments = registry.All.Where(p => p.Has(PrincipalRole.Department)).Select(p => p.Id);
        var calculator = new ReportCalculator(period, asOf, calendar.Current, departments);

        string? token = null;
        do
        {
            var (items, next) = await approvals.ListAsync(null, null, 1000, token, asOf, calendar.Current, cancellationToken);
            foreach (var item in items)
            {
                calculator.AddApproval(item.ApprovalId, item.Parts);
            }

            token = next;
        }
        while (token is not null);

        await foreach (var lead in leads.ReadAsync(LeadIndex.AllPartition, null, cancellationToken))
        {
            calculator.AddLead(lead);
        }

        await foreach (var (plan, tasks) in plans.ReadWithTaskFactsAsync(cancellationToken))
        {
            calculator.AddPlan(plan, tasks);
        }

        // The coordination meetings' action items, open ones carried from earlier periods included.
        await foreach (var item in actionItems.ReadAsync(Meetings.MeetingActionIndex.AllPartition, null, cancellationToken))
        {
            calculator.AddActionItem(item);
        }

        return calculator.Build(version, supersedes, partial, options.Value.NamedBelowRate);
    }

    private static OutboundMessage Message(ReportContent content, DepartmentSection section, string sha256) => new(
        Topic,
        Subject,
        new
        {
            period = content.Period,
            version = content.Version,
            partial = content.Partial,
            asOf = content.AsOf,
            sha256,
            link = Link(content.Period, content.Version),

            // The message carries the department's section, never the whole report; a long list of late items is cut
            // (the link has all of them), so a message stays far below Service Bus's 256 KB (64 KB on the standard tier).
            department = section with { OverdueItems = section.OverdueItems.Take(MaxOverdueItemsInMessage).ToArray() },
            overdueItemsInReport = section.OverdueItems.Count,
        },
        new Dictionary<string, string> { [DepartmentProperty] = section.Department, ["period"] = content.Period },
        MessageId: MessageId(content.Period, content.Version, section.Department));

    /// <summary>A version's stored artefact; one that fails its hash check is named by period, version and format.</summary>
    private async Task<byte[]?> ArtefactAsync(string sha256, string period, int version, string format, CancellationToken cancellationToken)
    {
        try
        {
            return await artefacts.GetAsync(sha256, cancellationToken);
        }
        catch (ArtefactCorruptException e)
        {
            throw e.In($"coordination report {period} v{version} ({format})", new Dictionary<string, object?> { ["period"] = period, ["version"] = version, ["format"] = format });
        }
    }

    private async Task<StoredReport> ReadAsync(string period, ReportVersion version, CancellationToken cancellationToken)
    {
        var text = version.Chunks > 0
            ? await ReadChunksAsync(period, version, cancellationToken)
            : Encoding.UTF8.GetString(await ArtefactAsync(version.Sha256, period, version.Version, "json", cancellationToken)
                ?? throw new InvalidOperationException($"Report {period} v{version.Version}: its content {version.Sha256} is not in the artefact store."));
        var body = JsonNode.Parse(text)!.AsObject();
        body["generatedAt"] = version.GeneratedAt;
        body["sha256"] = version.Sha256;
        body["requestedBy"] = version.RequestedBy;
        if (version.Html is not null && version.Workbook is not null)
        {
            body["artefacts"] = new JsonObject { ["json"] = version.Sha256, ["html"] = version.Html, ["xlsx"] = version.Workbook };
        }

        return new StoredReport(version, body, JsonSerializer.Deserialize<ReportContent>(text, RecordJson.Options)!);
    }

    /// <summary>Versions stored before the artefact store kept their content in table rows keyed by its hash.</summary>
    private async Task<string> ReadChunksAsync(string period, ReportVersion version, CancellationToken cancellationToken)
    {
        var json = new StringBuilder();
        for (var i = 0; i < version.Chunks; i++)
        {
            var row = await store.GetAsync(ContentTable, period, ChunkKey(version.Sha256, i), cancellationToken)
                ?? throw new InvalidOperationException($"Report {period} v{version.Version}: content chunk {i} is missing.");
            json.Append(LongText.Get(row, "Data"));
        }

        var text = json.ToString();
        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        if (actual != version.Sha256)
        {
            throw new InvalidOperationException($"Report {period} v{version.Version}: the stored content hashes to {actual}, not {version.Sha256}.");
        }

        return text;
    }

    private static string ChunkKey(string sha256, int chunk) => sha256 + "|" + chunk.ToString("D4", CultureInfo.InvariantCulture);
}
