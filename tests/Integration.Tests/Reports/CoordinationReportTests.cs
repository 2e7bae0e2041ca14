using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Messaging;
using Integration.Domain.Reports;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports;
using Integration.Tests.Approvals;
using Integration.Tests.Leads;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Reports;

/// <summary>
/// A coordination report over a seeded month of approvals and leads: the exact counts, the overdue items in working days,
/// the named departments, agreement with what the listing endpoints show, versions, and the fan-out per department.
/// </summary>
[Trait("lane", "integration")]
public sealed class CoordinationReportTests : IDisposable
{
    private static readonly string[] Subjects = ["housing", "water", "transport", "police"];
    private readonly LeadPlatform platform = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => platform.Dispose();

    private static DateTimeOffset China(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task The_report_counts_what_the_listings_show_names_the_late_departments_and_reaches_each_department_once()
    {
        await SeedAsync();
        platform.SetTime(China(3, 10, 10));

        var response = await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" });
        var report = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("2026Q1", report.GetProperty("period").GetString());
        Assert.Equal(1, report.GetProperty("version").GetInt32());
        Assert.True(report.GetProperty("partial").GetBoolean());
        Assert.Equal(China(3, 10, 10), report.GetProperty("asOf").GetDateTimeOffset());
        Assert.Equal("2026-01-01", report.GetProperty("from").GetString());
        Assert.Equal("2026-03-31", report.GetProperty("to").GetString());
        // No plans in this data set: the enforcement section is there, all zeros, and leaves the rates alone.
        Assert.All(
            report.GetProperty("municipality").GetProperty("enforcement").EnumerateObject(),
            p => Assert.True(p.Value.ValueKind == JsonValueKind.Null || p.Value.GetInt32() == 0, p.Name));

        var housing = Section(report, "housing");
        Assert.Equal((2, 1, 1, 1, 0, 0), Approvals(housing));
        Assert.Equal((2, 2, 0, 0, 1, 1, 1), Leads(housing));
        Assert.Equal(0.5m, housing.GetProperty("onTimeRate").GetDecimal());
        Assert.Equal(
            [("approval", "RPT-A-OVERDUE", "claim", "2026-03-04", 4), ("lead", "RPT-L-OVERDUE", "feedback", "2026-03-06", 2)],
            housing.GetProperty("overdueItems").EnumerateArray().Select(i => (
                i.GetProperty("kind").GetString(), i.GetProperty("id").GetString(), i.GetProperty("step").GetString(),
                i.GetProperty("deadline").GetString(), i.GetProperty("workingDaysLate").GetInt32())));
        Assert.Equal((1, 0, 0, 0, 1, 0), Approvals(Section(report, "water")));
        Assert.Equal(JsonValueKind.Null, Section(report, "water").GetProperty("onTimeRate").ValueKind);
        Assert.Equal((1, 1, 0, 0, 0, 0), Approvals(Section(report, "transport")));
        Assert.Equal((2, 1, 1, 1, 0, 0, 1), Leads(Section(report, "police")));
        Assert.Equal(1m, Section(report, "police").GetProperty("onTimeRate").GetDecimal());
        Assert.Equal((4, 2, 1, 1, 1, 0), Approvals(report.GetProperty("municipality")));
        Assert.Equal((4, 3, 1, 1, 1, 1, 2), Leads(report.GetProperty("municipality")));
        Assert.Equal(
            [("transport", 0m), ("housing", 0.5m)],
            report.GetProperty("named").EnumerateArray().Select(n => (n.GetProperty("department").GetString(), n.GetProperty("onTimeRate").GetDecimal())));

        foreach (var department in Subjects)
        {
            await ReconcileAsync(Section(report, department), department);
        }

        // One message per department, each with its own section, the link and the report's hash; ndrc receives all.
        var sha256 = report.GetProperty("sha256").GetString();
        var departments = report.GetProperty("departments").GetArrayLength();
        var toHousing = Assert.Single(await ReceiveAsync("housing"));
        Assert.Equal("report:2026Q1:v1:housing", toHousing.MessageId);
        Assert.Equal("coordination.report", toHousing.Subject);
        var body = JsonDocument.Parse(toHousing.Body).RootElement;
        Assert.Equal(sha256, body.GetProperty("sha256").GetString());
        Assert.Equal("/api/reports/coordination/2026Q1?version=1", body.GetProperty("link").GetString());
        Assert.Equal(2, body.GetProperty("department").GetProperty("approvals").GetProperty("routed").GetInt32());
        Assert.True(toHousing.Body.Length < 64 * 1024);
        var toNdrc = await ReceiveAsync("ndrc");
        Assert.Equal(departments, toNdrc.Count);
        Assert.Equal(departments, toNdrc.Select(m => m.MessageId).Distinct().Count());

        // Asking again returns the stored report; regenerating makes version 2, which says what it supersedes.
        var again = await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync();
        Assert.Equal(sha256, again.GetProperty("sha256").GetString());
        var second = await (await platform.PostAsync("admin", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1", ["regenerate"] = true })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Equal(1, second.GetProperty("supersedes").GetInt32());
        Assert.Equal(report.GetProperty("municipality").GetRawText(), second.GetProperty("municipality").GetRawText());
        Assert.Single(await ReceiveAsync("housing"), m => m.MessageId == "report:2026Q1:v2:housing");

        var first = await (await platform.ClientFor("housing").GetAsync("/api/reports/coordination/2026Q1?version=1", Cancellation)).ReadJsonAsync();
        Assert.Equal(sha256, first.GetProperty("sha256").GetString());
        var latest = await (await platform.ClientFor("water").GetAsync("/api/reports/coordination/2026Q1", Cancellation)).ReadJsonAsync();
        Assert.Equal(2, latest.GetProperty("version").GetInt32());

        // Once the quarter is over, a new version is complete and taken as of its end.
        platform.SetTime(China(4, 8, 9));
        var final = await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1", ["regenerate"] = true })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.False(final.GetProperty("partial").GetBoolean());
        Assert.Equal(China(4, 1, 0), final.GetProperty("asOf").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_printable_page_and_the_workbook_show_the_stored_report()
    {
        await SeedAsync();
        platform.SetTime(China(3, 10, 10));
        var report = await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync(HttpStatusCode.Created);

        var page = await platform.ClientFor("housing").GetAsync("/api/reports/coordination/2026Q1.html", Cancellation);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("威海市招标投标监管协调会商通报", html, StringComparison.Ordinal);
        Assert.Contains("威海市住房和城乡建设局（50%）", html, StringComparison.Ordinal);
        Assert.Contains("class=\"bar low\" style=\"width:150px\"", html, StringComparison.Ordinal);
        Assert.Contains(report.GetProperty("sha256").GetString()!, html, StringComparison.Ordinal);
        Assert.Contains("RPT-A-OVERDUE", html, StringComparison.Ordinal);

        var file = await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1.xlsx?version=1", Cancellation);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(ReportDocuments.WorkbookType, file.Content.Headers.ContentType?.MediaType);
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(await file.Content.ReadAsByteArrayAsync(Cancellation)), false);
        var workbook = document.WorkbookPart!;
        var sheets = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().ToArray();
        Assert.Equal(["municipality", .. report.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("department").GetString()!)], sheets.Select(s => s.Name!.Value));
        var housing = (DocumentFormat.OpenXml.Packaging.WorksheetPart)workbook.GetPartById(sheets.Single(s => s.Name == "housing").Id!);
        var rows = housing.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>()
            .Select(r => r.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text).ToArray()).ToArray();
        Assert.Equal("2", rows.Single(r => r[0] == "approvals.routed")[1]);
        Assert.Equal("0.5", rows.Single(r => r[0] == "onTimeRate")[1]);
        Assert.Contains(rows, r => r is ["lead", "RPT-L-OVERDUE", "feedback", "2026-03-06", "2"]);

        await (await platform.ClientFor("trading-center").GetAsync("/api/reports/coordination/2026Q1.xlsx", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q2.html", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_same_records_period_and_version_give_the_same_content_and_hash()
    {
        await SeedAsync();
        platform.SetTime(China(4, 2, 9));
        var reports = platform.Services.GetRequiredService<CoordinationReports>();
        var period = ReportPeriod.Parse("2026Q1").Period!;

        var one = JsonSerializer.Serialize(await reports.ComputeAsync(period, 1, null, Cancellation));
        platform.SetTime(China(5, 20, 9));
        var two = JsonSerializer.Serialize(await reports.ComputeAsync(period, 1, null, Cancellation));

        Assert.Equal(one, two);
    }

    [Fact]
    public async Task Only_departments_and_the_coordinator_read_reports_and_bad_periods_are_refused()
    {
        platform.SetTime(China(3, 10, 10));
        await (await platform.PostAsync("housing", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadProblemAsync(HttpStatusCode.Forbidden);
        var bad = await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q5", ["regenerate"] = "yes" })).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["period", "regenerate"], bad.ErrorFields());
        var future = await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q3" })).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["period"], future.ErrorFields());

        await (await platform.ClientFor("housing").GetAsync("/api/reports/coordination/2026Q1", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await platform.ClientFor("trading-center").GetAsync("/api/reports/coordination/2026Q1", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        var problem = await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026X1?version=0", Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["period", "version"], problem.ErrorFields());
    }

    [Fact]
    public async Task A_fan_out_cut_off_half_way_is_completed_by_the_sweep_and_each_department_receives_its_message_once()
    {
        using var crashing = new LeadPlatform();
        HalfwayPublisher? publisher = null;
        crashing.WithServices(services => services.AddSingleton<ITopicPublisher>(p => publisher = new HalfwayPublisher(p.GetRequiredService<SqliteTopicBus>(), CoordinationReports.Topic)));
        crashing.SetTime(China(3, 10, 10));

        await (await crashing.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.True(publisher!.CutOff > 0);
        Assert.True(await crashing.Services.GetRequiredService<OutboxDispatcher>().SweepAsync(Cancellation) > 0);

        var receiver = crashing.Services.GetRequiredService<SqliteTopicReceiver>();
        var departments = crashing.Services.GetRequiredService<Integration.Domain.Identity.PrincipalRegistry>().All
            .Where(p => p.Has(Integration.Domain.Identity.PrincipalRole.Department) && !p.Has(Integration.Domain.Identity.PrincipalRole.Coordinator)).Select(p => p.Id).ToArray();
        foreach (var department in departments)
        {
            var received = await receiver.ReceiveAsync(CoordinationReports.Topic, department, 100, Cancellation);
            Assert.Equal([$"report:2026Q1:v1:{department}"], received.Select(r => r.Message.MessageId));
        }

        var all = await receiver.ReceiveAsync(CoordinationReports.Topic, "ndrc", 100, Cancellation);
        Assert.Equal(departments.Length + 1, all.Count);
        Assert.Equal(all.Count, all.Select(r => r.Message.MessageId).Distinct().Count());
    }

    /// <summary>Publishes the first half of the first batch of one topic and then fails, as a process dying in the middle of the fan-out.</summary>
    private sealed class HalfwayPublisher(SqliteTopicBus bus, string topic) : ITopicPublisher
    {
        public int CutOff { get; private set; }

        public Task PublishAsync(string topicName, TopicMessage message, CancellationToken cancellationToken = default) => bus.PublishAsync(topicName, message, cancellationToken);

        public async Task PublishBatchAsync(string topicName, IReadOnlyList<TopicMessage> messages, CancellationToken cancellationToken = default)
        {
            if (topicName != topic || CutOff > 0)
            {
                await bus.PublishBatchAsync(topicName, messages, cancellationToken);
                return;
            }

            CutOff = messages.Count / 2;
            foreach (var message in messages.Take(CutOff))
            {
                await bus.PublishAsync(topicName, message, cancellationToken);
            }

            throw new IOException("The process died in the middle of the fan-out.");
        }
    }

    [Fact]
    public async Task Departments_acknowledge_on_their_clock_with_a_reminder_and_a_warning_for_those_that_do_not()
    {
        platform.SetTime(China(3, 10, 10));
        await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync(HttpStatusCode.Created);
        foreach (var subscription in new[] { "housing", "water", "ndrc" })
        {
            await ReceiveAsync(subscription);
        }

        platform.SetTime(China(3, 11, 9));
        var ack = await (await platform.PostAsync("housing", "/api/reports/coordination/2026Q1/ack", new JsonObject { ["agenda"] = new JsonArray("超期未认领项目的整改") })).ReadJsonAsync();
        Assert.Equal("acknowledged", ack.GetProperty("outcome").GetString());
        Assert.False(ack.GetProperty("acknowledgement").GetProperty("late").GetBoolean());
        Assert.Equal("超期未认领项目的整改", ack.GetProperty("acknowledgement").GetProperty("agenda")[0].GetString());
        var repeat = await (await platform.PostAsync("housing", "/api/reports/coordination/2026Q1/ack", new JsonObject())).ReadJsonAsync();
        Assert.Equal("unchanged", repeat.GetProperty("outcome").GetString());
        await (await platform.PostAsync("trading-center", "/api/reports/coordination/2026Q1/ack", new JsonObject())).ReadProblemAsync(HttpStatusCode.Forbidden);
        var bad = await (await platform.PostAsync("water", "/api/reports/coordination/2026Q1/ack", new JsonObject { ["agenda"] = new JsonArray(5, " "), ["version"] = 0 })).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["agenda[0]", "agenda[1]", "version"], bad.ErrorFields());
        await (await platform.PostAsync("water", "/api/reports/coordination/2026Q2/ack", new JsonObject())).ReadProblemAsync(HttpStatusCode.NotFound);

        // Three working days from 10 March: due at the end of Friday 13 March, reminded at its start.
        platform.SetTime(China(3, 13, 9));
        await platform.SweepDeadlinesAsync();
        Assert.Single(await ReceiveAsync("water"), m => m.Subject == "coordination.ack-reminder");
        Assert.Empty(await ReceiveAsync("housing"));

        platform.SetTime(China(3, 16, 9));
        await platform.SweepDeadlinesAsync();
        Assert.Single(await ReceiveAsync("water"), m => m.Subject == "coordination.ack-overdue");
        Assert.Empty(await ReceiveAsync("housing"));
        var summary = Assert.Single(await ReceiveAsync("ndrc"), m => m.Subject == "coordination.ack-overdue" && JsonDocument.Parse(m.Body).RootElement.GetProperty("departments").GetArrayLength() > 1);
        var late = JsonDocument.Parse(summary.Body).RootElement.GetProperty("departments").EnumerateArray().Select(d => d.GetString()).ToArray();
        Assert.Contains("water", late);
        Assert.DoesNotContain("housing", late);

        platform.SetTime(China(3, 16, 10));
        var lateAck = await (await platform.PostAsync("water", "/api/reports/coordination/2026Q1/ack", new JsonObject { ["version"] = 1 })).ReadJsonAsync();
        Assert.True(lateAck.GetProperty("acknowledgement").GetProperty("late").GetBoolean());
        Assert.Equal(1, lateAck.GetProperty("acknowledgement").GetProperty("workingDaysLate").GetInt32());
    }

    [Fact]
    public async Task The_timer_reports_once_on_the_quarter_just_ended()
    {
        await SeedAsync();
        platform.SetTime(China(4, 1, 8));
        var functions = ActivatorUtilities.CreateInstance<ReportFunctions>(platform.Services);

        await functions.Scheduled(new Microsoft.Azure.Functions.Worker.TimerInfo(), client: null, Cancellation);
        platform.SetTime(China(4, 1, 9));
        await functions.Scheduled(new Microsoft.Azure.Functions.Worker.TimerInfo(), client: null, Cancellation);

        var report = await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1", Cancellation)).ReadJsonAsync();
        Assert.Equal(1, report.GetProperty("version").GetInt32());
        Assert.False(report.GetProperty("partial").GetBoolean());
        Assert.Equal("system:reports-timer", report.GetProperty("requestedBy").GetString());
        Assert.Equal(4, report.GetProperty("municipality").GetProperty("approvals").GetProperty("routed").GetInt32());
        await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1?version=2", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("2026Q4", "2026-10-01", "2026-12-31")]
    [InlineData("2026H2", "2026-07-01", "2026-12-31")]
    [InlineData("2026B6", "2026-11-01", "2026-12-31")]
    [InlineData("2027B1", "2027-01-01", "2027-02-28")]
    [InlineData("2028B1", "2028-01-01", "2028-02-29")]
    public void Periods_are_china_dates(string name, string from, string to)
    {
        var period = ReportPeriod.Parse(name).Period!;
        Assert.Equal(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), period.From);
        Assert.Equal(DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), period.Last);
        Assert.Equal(TimeSpan.FromHours(8), period.Start.Offset);
    }

    [Fact]
    public void The_timer_reports_on_the_period_just_ended()
    {
        Assert.Equal("2026Q4", ReportPeriod.Previous(new DateOnly(2027, 1, 1), ReportCadence.Quarter).Name);
        Assert.Equal("2026H2", ReportPeriod.Previous(new DateOnly(2027, 1, 1), ReportCadence.HalfYear).Name);
        Assert.Equal("2026B5", ReportPeriod.Previous(new DateOnly(2026, 11, 1), ReportCadence.TwoMonth).Name);
        Assert.Null(ReportPeriod.Parse("2026Q0").Period);
        Assert.Null(ReportPeriod.Parse("2026q1").Period);
        Assert.Null(ReportPeriod.Parse("2026Q1\n").Period);
    }

    /// <summary>
    /// March 2026: four approvals (housing claims one on time and lets one run over; water declines one; transport claims
    /// late) and two leads to housing and police (one fed back on time and returned by police; one past its feedback clock).
    /// </summary>
    private async Task SeedAsync()
    {
        platform.SetTime(China(3, 2, 10));
        foreach (var (id, industry) in new[] { ("RPT-A-CLAIMED", "housing-construction"), ("RPT-A-OVERDUE", "housing-construction"), ("RPT-A-DECLINED", "water"), ("RPT-A-LATE", "transport") })
        {
            var pushed = await platform.PushAsync(ApprovalData.Valid(id, industry: industry));
            Assert.True(pushed.IsSuccessStatusCode, await pushed.Content.ReadAsStringAsync(Cancellation));
        }

        await platform.SubmitAsync(LeadPlatform.Lead("RPT-L-FED", "2026-03-02T08:00:00+08:00"));
        await platform.SubmitAsync(LeadPlatform.Lead("RPT-L-OVERDUE", "2026-03-02T08:00:00+08:00"));

        platform.SetTime(China(3, 3, 9));
        await (await platform.PostAsync("housing", "/api/approvals/RPT-A-CLAIMED/claim", new JsonObject())).ReadJsonAsync();
        await (await platform.PostAsync("water", "/api/approvals/RPT-A-DECLINED/decline", new JsonObject { ["reason"] = "非水利项目" })).ReadJsonAsync();
        var receipt = new JsonObject { ["materials"] = new JsonArray(LeadPlatform.Sha(1), LeadPlatform.Sha(2)) };
        await platform.ActAsync("housing", "RPT-L-FED", "receipt", receipt.DeepClone());
        await platform.ActAsync("housing", "RPT-L-FED", "result", new JsonObject { ["outcome"] = "penalty", ["decision"] = "威住建罚〔2026〕30号", ["completedAt"] = "2026-03-03T08:30:00+08:00" });
        await platform.ActAsync("police", "RPT-L-FED", "receipt", receipt.DeepClone());
        await platform.ActAsync("police", "RPT-L-FED", "return", new JsonObject { ["reason"] = "未达刑事立案标准" });
        await platform.ActAsync("housing", "RPT-L-OVERDUE", "receipt", receipt.DeepClone());
        await platform.ActAsync("housing", "RPT-L-OVERDUE", "completion", new JsonObject { ["completedAt"] = "2026-03-03T08:30:00+08:00" });

        platform.SetTime(China(3, 6, 10));
        await (await platform.PostAsync("transport", "/api/approvals/RPT-A-LATE/claim", new JsonObject())).ReadJsonAsync();
    }

    /// <summary>The department's counts, recomputed by the test from what the listing endpoints return to that department.</summary>
    private async Task ReconcileAsync(JsonElement section, string department)
    {
        var client = platform.ClientFor(department);
        var claims = new List<JsonElement>();
        await foreach (var item in PagesAsync(client, $"/api/approvals?department={department}&pageSize=200"))
        {
            claims.AddRange(item.GetProperty("claims").EnumerateArray().Where(c => c.GetProperty("department").GetString() == department));
        }

        var overdue = 0;
        await foreach (var item in PagesAsync(client, $"/api/approvals?department={department}&status=overdue&pageSize=200"))
        {
            overdue++;
        }

        var approvals = section.GetProperty("approvals");
        Assert.Equal(claims.Count, approvals.GetProperty("routed").GetInt32());
        Assert.Equal(claims.Count(c => c.GetProperty("status").GetString() == "claimed"), approvals.GetProperty("claimed").GetInt32());
        Assert.Equal(claims.Count(c => c.GetProperty("status").GetString() == "declined"), approvals.GetProperty("declined").GetInt32());
        Assert.Equal(overdue, approvals.GetProperty("overdue").GetInt32());

        var parts = new List<JsonElement>();
        await foreach (var lead in PagesAsync(client, $"/api/leads?department={department}&pageSize=200"))
        {
            parts.AddRange(lead.GetProperty("recipients").EnumerateArray().Where(r => r.GetProperty("department").GetString() == department));
        }

        var leads = section.GetProperty("leads");
        Assert.Equal(parts.Count, leads.GetProperty("received").GetInt32());
        Assert.Equal(parts.Count(p => p.GetProperty("receipt").ValueKind != JsonValueKind.Null), leads.GetProperty("receipted").GetInt32());
        Assert.Equal(parts.Count(p => p.GetProperty("return").ValueKind != JsonValueKind.Null), leads.GetProperty("returned").GetInt32());
        Assert.Equal(parts.Count(p => p.GetProperty("result").ValueKind != JsonValueKind.Null), leads.GetProperty("results").GetInt32());
        Assert.Equal(parts.Count(p => p.GetProperty("status").GetString() is not ("returned" or "fed-back")), leads.GetProperty("open").GetInt32());
    }

    private static async IAsyncEnumerable<JsonElement> PagesAsync(HttpClient client, string path)
    {
        string? token = null;
        do
        {
            var page = await (await client.GetAsync(token is null ? path : $"{path}&pageToken={Uri.EscapeDataString(token)}", Cancellation)).ReadJsonAsync();
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                yield return item;
            }

            token = page.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);
    }

    private async Task<List<TopicMessage>> ReceiveAsync(string subscription)
    {
        var receiver = platform.Services.GetRequiredService<SqliteTopicReceiver>();
        var all = new List<TopicMessage>();
        while (true)
        {
            var batch = await receiver.ReceiveAsync(CoordinationReports.Topic, subscription, 100, Cancellation);
            foreach (var received in batch)
            {
                all.Add(received.Message);
                await receiver.CompleteAsync(received.LockToken, Cancellation);
            }

            if (batch.Count < 100)
            {
                return all;
            }
        }
    }

    private static JsonElement Section(JsonElement report, string department) =>
        report.GetProperty("departments").EnumerateArray().Single(d => d.GetProperty("department").GetString() == department);

    private static (int, int, int, int, int, int) Approvals(JsonElement section)
    {
        var a = section.GetProperty("approvals");
        return (a.GetProperty("routed").GetInt32(), a.GetProperty("claimed").GetInt32(), a.GetProperty("claimedOnTime").GetInt32(),
            a.GetProperty("overdue").GetInt32(), a.GetProperty("declined").GetInt32(), a.GetProperty("reassigned").GetInt32());
    }

    private static (int, int, int, int, int, int, int) Leads(JsonElement section)
    {
        var l = section.GetProperty("leads");
        return (l.GetProperty("received").GetInt32(), l.GetProperty("receipted").GetInt32(), l.GetProperty("returned").GetInt32(),
            l.GetProperty("returnedOnTime").GetInt32(), l.GetProperty("results").GetInt32(), l.GetProperty("feedbackOnTime").GetInt32(),
            l.GetProperty("open").GetInt32());
    }
}
