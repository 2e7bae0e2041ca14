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
using Integration.Functions.Leads;
using Integration.Functions.Platform.Records;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Reports;

/// <summary>A stored report as the API returns it: the content, when it was generated, and the SHA-256 of the content.</summary>
public sealed record StoredReport(ReportVersion Version, JsonObject Body, ReportContent Content);

/// <summary>
/// Coordination reports (协调会商通报): computed from the approval, lead and plan listing indexes, stored once per period and
/// version with the SHA-256 of their content, and fanned out as one <c>coordination.report</c> message per department
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
    CalendarSource calendar,
    PrincipalRegistry registry,
    IOptions<ReportOptions> options,
    TimeProvider time)
{
    public const string AckReminder = "ack-reminder";
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
    /// The period's report: the existing latest version unless <paramref name="regenerate"/>, else a new version computed
    /// now, which names the version it supersedes. Created is false when an existing version is returned.
    /// </summary>
    public async Task<(StoredReport Report, bool Created)> RequestAsync(ReportPeriod period, bool regenerate, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var key = Key(period.Name);
        var existing = await records.GetAsync<CoordinationReportState>(key, cancellationToken);
        if (existing?.State.Latest is { } latest && !regenerate)
        {
            return (await ReadAsync(period.Name, latest, cancellationToken), false);
        }

        var previous = existing?.State.Latest;
        var number = (previous?.Version ?? 0) + 1;
        var content = await ComputeAsync(period, number, previous?.Version, cancellationToken);
        var json = JsonSerializer.Serialize(content, RecordJson.Options);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        var chunks = await StoreContentAsync(period.Name, sha256, json, cancellationToken);
        var generatedAt = time.GetUtcNow();
        var ackDays = options.Value.AckWorkingDays;
        var version = new ReportVersion(number, sha256, generatedAt, content.AsOf, content.Partial, previous?.Version, requestedBy, chunks, ChinaTime.DateOf(generatedAt), ackDays);

        Change<CoordinationReportState> ChangeFor(CoordinationReportState state) => new()
        {
            State = state with { Versions = [.. state.Versions, version] },
            Action = "coordination-report.generated",
            Principal = requestedBy,
            Details = new { period = period.Name, version = number, sha256, partial = content.Partial, asOf = content.AsOf, supersedes = previous?.Version },
            Messages = content.Departments.Select(section => Message(content, section, sha256)).ToList(),

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

        try
        {
            var committed = existing is null
                ? await records.CreateAsync(key, ChangeFor(new CoordinationReportState { Period = period.Name }), cancellationToken)
                : await records.UpdateAsync<CoordinationReportState>(key, current =>
                    current.State.Latest?.Version == previous?.Version ? ChangeFor(current.State) : null, cancellationToken);
            var stored = committed.Record.State.Latest!;
            return (await ReadAsync(period.Name, stored, cancellationToken), committed.Changed && stored.Version == number);
        }
        catch (RecordExistsException)
        {
            // Another request made the first version meanwhile: that one is the report.
            var current = await records.GetAsync<CoordinationReportState>(key, cancellationToken);
            return (await ReadAsync(period.Name, current!.State.Latest!, cancellationToken), false);
        }
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

    /// <summary>Content rows are keyed by the content's hash, so a repeat writes the same rows and a version never changes.</summary>
    private async Task<int> StoreContentAsync(string period, string sha256, string json, CancellationToken cancellationToken)
    {
        await store.CreateTableIfNotExistsAsync(ContentTable, cancellationToken);
        var chunks = 0;
        for (var start = 0; start < json.Length; start += ChunkLength, chunks++)
        {
            var properties = new Dictionary<string, object?>();
            LongText.Put(properties, "Data", json.Substring(start, Math.Min(ChunkLength, json.Length - start)));
            await store.UpsertAsync(ContentTable, new TableEntity(period, ChunkKey(sha256, chunks), properties), cancellationToken);
        }

        return chunks;
    }

    private async Task<StoredReport> ReadAsync(string period, ReportVersion version, CancellationToken cancellationToken)
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

        var body = JsonNode.Parse(text)!.AsObject();
        body["generatedAt"] = version.GeneratedAt;
        body["sha256"] = version.Sha256;
        body["requestedBy"] = version.RequestedBy;
        return new StoredReport(version, body, JsonSerializer.Deserialize<ReportContent>(text, RecordJson.Options)!);
    }

    private const int ChunkLength = 10 * LongText.ChunkLength;

    private static string ChunkKey(string sha256, int chunk) => sha256 + "|" + chunk.ToString("D4", CultureInfo.InvariantCulture);
}
