using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Reports;
using Integration.Tests.Leads;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Reports.Meetings;

/// <summary>
/// The coordination meeting through the API on the real app: agenda items, scheduling and moving it, minutes once, action
/// items on their working-day clocks across 劳动节, extra meetings, and the next report counting the items as the listing shows them.
/// </summary>
[Trait("lane", "integration")]
public sealed class MeetingApiTests : IDisposable
{
    private readonly LeadPlatform platform = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => platform.Dispose();

    private static DateTimeOffset China(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    private static JsonObject Minutes(params (string Owner, string What, int Days)[] items) => new()
    {
        ["summary"] = "2026年第一季度招标投标监管协调会商",
        ["decisions"] = new JsonArray("住建局限期整改超期未认领项目", "水务局补报线索处理结果"),
        ["actionItems"] = new JsonArray(items.Select(i => (JsonNode)new JsonObject { ["owner"] = i.Owner, ["what"] = i.What, ["dueWorkingDays"] = i.Days }).ToArray()),
    };

    [Fact]
    public async Task The_meeting_on_a_report_gathers_its_agenda_is_scheduled_and_minuted_and_each_action_item_runs_on_its_clock()
    {
        platform.SetTime(China(4, 27, 10));
        await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PostAsync("housing", "/api/reports/coordination/2026Q1/ack", new JsonObject { ["agenda"] = new JsonArray("超期未认领项目的整改") })).ReadJsonAsync();

        // Agenda items: from the acknowledgement and submitted on their own; bad ones refused with every field named.
        var gathering = await (await platform.PostAsync("water", "/api/reports/coordination/2026Q1/agenda", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["title"] = "线索反馈超期", ["detail"] = "一季度3件线索超期未反馈" }),
        })).ReadJsonAsync();
        Assert.Equal("gathering", gathering.GetProperty("status").GetString());
        Assert.Equal(
            [("超期未认领项目的整改", "housing", "acknowledgement"), ("线索反馈超期", "water", "agenda")],
            gathering.GetProperty("submitted").EnumerateArray().Select(i => (i.GetProperty("title").GetString(), i.GetProperty("submittedBy").GetString(), i.GetProperty("source").GetString())));
        var bad = await (await platform.PostAsync("water", "/api/reports/coordination/2026Q1/agenda", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["detail"] = 5 }) }))
            .ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["items[0].detail", "items[0].title"], bad.ErrorFields());
        await (await platform.PostAsync("trading-center", "/api/reports/coordination/2026Q1/agenda", new JsonObject())).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.PostAsync("water", "/api/reports/coordination/2026Q2/agenda", new JsonObject())).ReadProblemAsync(HttpStatusCode.NotFound);
        await DrainAsync();

        // ndrc schedules it (nobody else), in the future; every member department is told, and again when it is moved.
        var at = new JsonObject { ["at"] = "2026-04-30T09:30:00+08:00" };
        await (await platform.PostAsync("housing", "/api/reports/coordination/2026Q1/meeting", at.DeepClone())).ReadProblemAsync(HttpStatusCode.Forbidden);
        var past = await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting", new JsonObject { ["at"] = "2026-04-27T09:00:00+08:00" }))
            .ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["at"], past.ErrorFields());
        var scheduled = await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting", at.DeepClone())).ReadJsonAsync();
        Assert.Equal("scheduled", scheduled.GetProperty("status").GetString());
        Assert.Equal(["超期未认领项目的整改", "线索反馈超期"], scheduled.GetProperty("agenda").EnumerateArray().Select(i => i.GetProperty("title").GetString()));
        Assert.Equal("coordination.meeting-scheduled", Assert.Single(await ReceiveAsync("police")).Subject);
        await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting", at.DeepClone())).ReadJsonAsync();
        Assert.Empty(await ReceiveAsync("police"));
        var moved = await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting", new JsonObject { ["at"] = "2026-04-30T14:00:00+08:00" })).ReadJsonAsync();
        Assert.Equal(1, moved.GetProperty("rescheduled").GetInt32());
        Assert.Equal(China(4, 30, 14), moved.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(["coordination.meeting-scheduled", "coordination.meeting-rescheduled"], (await ReceiveAsync("housing")).Select(m => m.Subject));

        // Minutes after the meeting, once: the same minutes again are answered, different ones are a conflict.
        var minutes = Minutes(("housing", "整改超期未认领项目", 3), ("water", "补报线索处理结果", 10));
        await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", minutes.DeepClone())).ReadProblemAsync(HttpStatusCode.Conflict);
        platform.SetTime(China(4, 30, 16));
        var invalid = await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", new JsonObject
        {
            ["decisions"] = new JsonArray(" "),
            ["actionItems"] = new JsonArray(new JsonObject { ["owner"] = "nobody", ["what"] = "x", ["dueWorkingDays"] = 300 }),
        })).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["actionItems[0].dueWorkingDays", "actionItems[0].owner", "decisions[0]", "summary"], invalid.ErrorFields());
        await (await platform.PostAsync("housing", "/api/reports/coordination/2026Q1/meeting/minutes", minutes.DeepClone())).ReadProblemAsync(HttpStatusCode.Forbidden);
        var held = await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", minutes.DeepClone())).ReadJsonAsync();
        Assert.Equal("held", held.GetProperty("status").GetString());
        var items = held.GetProperty("actionItems").EnumerateArray().ToArray();
        Assert.Equal(["2026Q1-A001", "2026Q1-A002"], items.Select(i => i.GetProperty("id").GetString()));

        // Three working days from Thursday 30 April skip 1–5 May: due on Friday 8 May.
        Assert.Equal("2026-05-08", items[0].GetProperty("deadline").GetProperty("deadline").GetString());
        await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", minutes.DeepClone())).ReadJsonAsync();
        var other = await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", Minutes(("housing", "另一事项", 3))))
            .ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("held", other.GetProperty("state").GetString());
        var toHousing = Assert.Single(await ReceiveAsync("housing"));
        Assert.Equal("coordination.meeting-minutes", toHousing.Subject);
        Assert.Equal(["2026Q1-A001"], JsonDocument.Parse(toHousing.Body).RootElement.GetProperty("actionItems").EnumerateArray().Select(i => i.GetProperty("id").GetString()));

        // The owner sees its own items, ndrc all; others may not look.
        Assert.Equal(["2026Q1-A001"], await ListAsync("housing", ""));
        Assert.Equal(["2026Q1-A001", "2026Q1-A002"], await ListAsync("ndrc", ""));
        Assert.Equal(["2026Q1-A002"], await ListAsync("admin", "owner=water"));
        await (await platform.ClientFor("trading-center").GetAsync("/api/meetings/actions", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.ClientFor("housing").GetAsync("/api/meetings/actions?owner=water", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        var badQuery = await (await platform.ClientFor("ndrc").GetAsync("/api/meetings/actions?status=late&owner=nobody&pageSize=0", Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["owner", "pageSize", "status"], badQuery.ErrorFields());

        // The reminder at the start of 8 May, the warning after it (9 May is a working Saturday), to the owner and ndrc.
        platform.SetTime(China(5, 8, 9));
        await platform.SweepDeadlinesAsync();
        Assert.Equal(["coordination.action-reminder"], (await ReceiveAsync("housing")).Select(m => m.Subject));
        Assert.Empty(await ListAsync("ndrc", "status=overdue"));
        platform.SetTime(China(5, 9, 9));
        await platform.SweepDeadlinesAsync();
        Assert.Equal(["coordination.action-overdue"], (await ReceiveAsync("housing")).Select(m => m.Subject));
        Assert.Single(await ReceiveAsync("ndrc"), m => m.Subject == "coordination.action-overdue" && m.ApplicationProperties["department"] == "ndrc");
        Assert.Equal(["2026Q1-A001"], await ListAsync("ndrc", "status=overdue"));

        // Only the owner closes it; late by the working days from 8 May (9 and 11 May).
        var close = new JsonObject { ["outcome"] = "已逐项整改并报送整改报告" };
        await (await platform.PostAsync("ndrc", "/api/meetings/actions/2026Q1-A001/close", close.DeepClone())).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.PostAsync("water", "/api/meetings/actions/2026Q1-A001/close", close.DeepClone())).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.PostAsync("housing", "/api/meetings/actions/2026Q1-A009/close", close.DeepClone())).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(["outcome"], (await (await platform.PostAsync("housing", "/api/meetings/actions/2026Q1-A001/close", new JsonObject())).ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        platform.SetTime(China(5, 11, 10));
        var closed = await (await platform.PostAsync("housing", "/api/meetings/actions/2026Q1-A001/close", close.DeepClone())).ReadJsonAsync();
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.True(closed.GetProperty("late").GetBoolean());
        Assert.Equal(2, closed.GetProperty("workingDaysLate").GetInt32());
        await (await platform.PostAsync("housing", "/api/meetings/actions/2026Q1-A001/close", close.DeepClone())).ReadJsonAsync();
        await (await platform.PostAsync("housing", "/api/meetings/actions/2026Q1-A001/close", new JsonObject { ["outcome"] = "另一结果" })).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["2026Q1-A001"], await ListAsync("housing", "status=closed"));
        Assert.Empty(await ListAsync("housing", "status=open"));

        // The history names every owner's items: the coordinator reads it, a department its own items only.
        var own = await (await platform.ClientFor("police").GetAsync("/api/reports/coordination/2026Q1/meeting", Cancellation)).ReadJsonAsync();
        Assert.Equal(JsonValueKind.Null, own.GetProperty("history").ValueKind);
        Assert.All(own.GetProperty("actionItems").EnumerateArray(), a => Assert.Equal("police", a.GetProperty("owner").GetString()));
        var meeting = await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1/meeting", Cancellation)).ReadJsonAsync();
        Assert.Contains(meeting.GetProperty("history").EnumerateArray(), e => e.GetProperty("action").GetString() == "meeting.action-overdue");
        await (await platform.ClientFor("trading-center").GetAsync("/api/reports/coordination/2026Q1/meeting", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_next_report_counts_each_owners_action_items_as_the_listing_shows_them_and_names_the_late_ones()
    {
        platform.SetTime(China(4, 27, 10));
        await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting", new JsonObject { ["at"] = "2026-04-28T09:30:00+08:00" })).ReadJsonAsync();
        platform.SetTime(China(4, 28, 11));
        await (await platform.PostAsync("ndrc", "/api/reports/coordination/2026Q1/meeting/minutes", Minutes(
            ("housing", "整改超期未认领项目", 3), ("housing", "建立认领台账", 20), ("water", "补报线索处理结果", 20), ("police", "通报涉嫌犯罪线索", 2)))).ReadJsonAsync();

        platform.SetTime(China(4, 29, 10));
        await (await platform.PostAsync("housing", "/api/meetings/actions/2026Q1-A002/close", new JsonObject { ["outcome"] = "台账已建立" })).ReadJsonAsync();
        platform.SetTime(China(5, 7, 10));
        await (await platform.PostAsync("police", "/api/meetings/actions/2026Q1-A004/close", new JsonObject { ["outcome"] = "已通报" })).ReadJsonAsync();

        // Q2's report while Q2 runs: taken as of now, so it and the listing see the same moment.
        platform.SetTime(China(5, 20, 10));
        var report = await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q2" })).ReadJsonAsync(HttpStatusCode.Created);
        var housing = Section(report, "housing");
        Assert.Equal((1, 1, 1, 1), Counts(housing.GetProperty("actionItems")));
        Assert.Equal((0, 1, 0, 0), Counts(Section(report, "police").GetProperty("actionItems")));
        Assert.Equal((1, 0, 0, 0), Counts(Section(report, "water").GetProperty("actionItems")));
        Assert.Equal((2, 2, 1, 1), Counts(report.GetProperty("municipality").GetProperty("actionItems")));
        var late = Assert.Single(housing.GetProperty("overdueItems").EnumerateArray(), i => i.GetProperty("kind").GetString() == "action-item");
        Assert.Equal("2026Q1-A001", late.GetProperty("id").GetString());
        Assert.Equal("close", late.GetProperty("step").GetString());
        Assert.Equal("2026-05-06", late.GetProperty("deadline").GetString());
        // 7, 8, 9 (a working Saturday), 11–15, 18, 19 and 20 May.
        Assert.Equal(11, late.GetProperty("workingDaysLate").GetInt32());

        foreach (var department in new[] { "housing", "water", "police", "transport" })
        {
            var section = Section(report, department).GetProperty("actionItems");
            var all = await ItemsAsync(department, "");
            Assert.Equal(all.Count(i => i.GetProperty("status").GetString() == "open"), section.GetProperty("open").GetInt32());
            Assert.Equal((await ItemsAsync(department, "status=open")).Count, section.GetProperty("open").GetInt32());
            Assert.Equal((await ItemsAsync(department, "status=closed")).Count, section.GetProperty("closed").GetInt32());
            Assert.Equal(all.Count(i => i.GetProperty("status").GetString() == "closed" && !i.GetProperty("late").GetBoolean()), section.GetProperty("closedOnTime").GetInt32());
            Assert.Equal((await ItemsAsync(department, "status=overdue")).Count, section.GetProperty("overdue").GetInt32());
            Assert.Equal(
                (await ItemsAsync(department, "status=overdue")).Select(i => i.GetProperty("id").GetString()),
                Section(report, department).GetProperty("overdueItems").EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "action-item").Select(i => i.GetProperty("id").GetString()));
        }

        Assert.Equal((await ItemsAsync("ndrc", "status=open")).Count, report.GetProperty("municipality").GetProperty("actionItems").GetProperty("open").GetInt32());

        // Items closed before a period began are not carried into it; Q1's report, made before the meeting, has none.
        var q1 = await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1", Cancellation)).ReadJsonAsync();
        Assert.Equal((0, 0, 0, 0), Counts(q1.GetProperty("municipality").GetProperty("actionItems")));

        // The printable page and the workbook show the same counts and the late item, in Chinese on the page.
        var html = await platform.ClientFor("ndrc").GetStringAsync("/api/reports/coordination/2026Q2.html", Cancellation);
        Assert.Contains("<th>会商督办事项</th><th>数量</th></tr><tr><td>open 未办结</td><td>2</td></tr><tr><td>closed 已办结</td><td>2</td></tr>"
            + "<tr><td>closedOnTime 按时办结</td><td>1</td></tr><tr><td>overdue 超期未办结</td><td>1</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>各部门会商督办事项</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>威海市住房和城乡建设局</td><td>1</td><td>1</td><td>1</td><td>1</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<td>会商督办事项</td><td>2026Q1-A001</td><td>办结</td><td>2026-05-06</td><td>11</td>", html, StringComparison.Ordinal);

        var bytes = await platform.ClientFor("ndrc").GetByteArrayAsync("/api/reports/coordination/2026Q2.xlsx", Cancellation);
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var workbook = document.WorkbookPart!;
        string?[][] Rows(string sheet)
        {
            var id = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == sheet).Id!;
            return ((DocumentFormat.OpenXml.Packaging.WorksheetPart)workbook.GetPartById(id!)).Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>()
                .Select(r => r.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text).ToArray()).ToArray();
        }

        string? Figure(string sheet, string name) => Rows(sheet).Single(r => r[0] == name)[1];
        Assert.Equal(["2", "2", "1", "1"], new[] { "open", "closed", "closedOnTime", "overdue" }.Select(n => Figure("municipality", "actionItems." + n)));
        Assert.Equal(["1", "1", "1", "1"], new[] { "open", "closed", "closedOnTime", "overdue" }.Select(n => Figure("housing", "actionItems." + n)));
        Assert.Equal(["0", "1", "0", "0"], new[] { "open", "closed", "closedOnTime", "overdue" }.Select(n => Figure("police", "actionItems." + n)));
        Assert.Contains(Rows("housing"), r => r is ["action-item", "2026Q1-A001", "close", "2026-05-06", "11"]);
    }

    [Fact]
    public async Task A_department_asks_for_an_extra_meeting_which_ndrc_declines_or_schedules_and_the_requester_is_told()
    {
        platform.SetTime(China(6, 1, 10));
        var invalid = await (await platform.PostAsync("water", "/api/meetings", new JsonObject { ["agenda"] = new JsonArray(new JsonObject()) })).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["agenda[0].title", "reason"], invalid.ErrorFields());
        await (await platform.PostAsync("trading-center", "/api/meetings", new JsonObject { ["reason"] = "x" })).ReadProblemAsync(HttpStatusCode.Forbidden);

        var asked = await (await platform.PostAsync("water", "/api/meetings", new JsonObject { ["reason"] = "跨部门线索管辖分歧", ["agenda"] = new JsonArray(new JsonObject { ["title"] = "线索管辖" }) }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var first = asked.GetProperty("meetingId").GetString()!;
        Assert.StartsWith("EM-20260601-", first, StringComparison.Ordinal);
        Assert.Equal("requested", asked.GetProperty("status").GetString());
        Assert.Equal("coordination.meeting-requested", Assert.Single(await ReceiveAsync("ndrc"), m => m.ApplicationProperties["department"] == "ndrc").Subject);

        await (await platform.PostAsync("housing", $"/api/meetings/{first}/decline", new JsonObject { ["reason"] = "x" })).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(["reason"], (await (await platform.PostAsync("ndrc", $"/api/meetings/{first}/decline", new JsonObject())).ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var declined = await (await platform.PostAsync("ndrc", $"/api/meetings/{first}/decline", new JsonObject { ["reason"] = "并入第二季度会商" })).ReadJsonAsync();
        Assert.Equal("declined", declined.GetProperty("status").GetString());
        Assert.Equal("并入第二季度会商", declined.GetProperty("decline").GetProperty("reason").GetString());
        var told = Assert.Single(await ReceiveAsync("water"));
        Assert.Equal("coordination.meeting-declined", told.Subject);
        await (await platform.PostAsync("ndrc", $"/api/meetings/{first}/schedule", new JsonObject { ["at"] = "2026-06-05T09:00:00+08:00" })).ReadProblemAsync(HttpStatusCode.Conflict);

        var second = (await (await platform.PostAsync("housing", "/api/meetings", new JsonObject { ["reason"] = "联合执法计划分工" })).ReadJsonAsync(HttpStatusCode.Created))
            .GetProperty("meetingId").GetString()!;
        Assert.NotEqual(first, second);
        var scheduled = await (await platform.PostAsync("ndrc", $"/api/meetings/{second}/schedule", new JsonObject
        {
            ["at"] = "2026-06-05T09:00:00+08:00",
            ["agenda"] = new JsonArray(new JsonObject { ["title"] = "联合执法分工", ["detail"] = "住建、水务、交通" }),
        })).ReadJsonAsync();
        Assert.Equal("scheduled", scheduled.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, scheduled.GetProperty("period").ValueKind);
        Assert.Equal($"/api/meetings/{second}", scheduled.GetProperty("link").GetString());
        Assert.Equal("coordination.meeting-scheduled", Assert.Single(await ReceiveAsync("housing")).Subject);

        platform.SetTime(China(6, 5, 11));
        var held = await (await platform.PostAsync("ndrc", $"/api/meetings/{second}/minutes", Minutes(("transport", "牵头联合执法", 5)))).ReadJsonAsync();
        Assert.Equal($"{second}-A001", held.GetProperty("actionItems")[0].GetProperty("id").GetString());
        Assert.Equal([$"{second}-A001"], await ListAsync("transport", ""));

        // A request is its requester's and the coordinator's to read; another department learns nothing of it.
        Assert.Equal("declined", (await (await platform.ClientFor("ndrc").GetAsync($"/api/meetings/{first}", Cancellation)).ReadJsonAsync()).GetProperty("status").GetString());
        await (await platform.ClientFor("police").GetAsync($"/api/meetings/{first}", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.ClientFor("trading-center").GetAsync($"/api/meetings/{first}", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.ClientFor("ndrc").GetAsync("/api/meetings/EM-nothing", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await platform.PostAsync("ndrc", "/api/meetings/EM-nothing/schedule", new JsonObject())).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Departments_submitting_agenda_at_once_each_find_their_items_in_the_one_meeting()
    {
        platform.SetTime(China(4, 27, 10));
        await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync(HttpStatusCode.Created);
        string[] departments = ["housing", "water", "transport", "police", "agriculture", "ocean"];

        var responses = await Task.WhenAll(departments.Select(d => platform.PostAsync(d, "/api/reports/coordination/2026Q1/agenda", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["title"] = $"{d} 的议题" }),
        })));
        foreach (var response in responses)
        {
            await response.ReadJsonAsync();
        }

        var meeting = await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1/meeting", Cancellation)).ReadJsonAsync();
        Assert.Equal(departments.Order(StringComparer.Ordinal), meeting.GetProperty("submitted").EnumerateArray().Select(i => i.GetProperty("submittedBy").GetString()!).Order(StringComparer.Ordinal));

        // The same item again adds nothing.
        await (await platform.PostAsync("water", "/api/reports/coordination/2026Q1/agenda", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["title"] = "water 的议题" }) })).ReadJsonAsync();
        var again = await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1/meeting", Cancellation)).ReadJsonAsync();
        Assert.Equal(departments.Length, again.GetProperty("submitted").GetArrayLength());
    }

    [Theory]
    [InlineData("post", "/api/meetings/actions/%E2%80%AE-A001/close", HttpStatusCode.NotFound)]
    [InlineData("post", "/api/meetings/actions/2026Q1-A001/close", HttpStatusCode.NotFound)]
    [InlineData("post", "/api/meetings/..%2F..%2Fapprovals/schedule", HttpStatusCode.NotFound)]
    [InlineData("get", "/api/meetings/%F0%9F%98%80", HttpStatusCode.NotFound)]
    [InlineData("post", "/api/reports/coordination/2026Q9/meeting", HttpStatusCode.BadRequest)]
    [InlineData("get", "/api/reports/coordination/2026Q1%20x/meeting", HttpStatusCode.BadRequest)]
    [InlineData("get", "/api/reports/coordination/2026Q1/meeting", HttpStatusCode.NotFound)]
    [InlineData("get", "/api/meetings/actions?pageToken=forged", HttpStatusCode.BadRequest)]
    public async Task Ids_and_periods_no_meeting_can_have_are_refused_without_a_server_error(string method, string path, HttpStatusCode status)
    {
        platform.SetTime(China(4, 27, 10));
        var client = platform.ClientFor("ndrc");
        var response = method == "get" ? await client.GetAsync(path, Cancellation) : await client.PostAsync(path, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Cancellation);
        await response.ReadProblemAsync(status);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"at\"")]
    [InlineData("{ \"at\": 5, \"agenda\": {} }")]
    public async Task A_body_that_is_not_the_expected_object_is_a_validation_problem(string json)
    {
        platform.SetTime(China(4, 27, 10));
        await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" })).ReadJsonAsync(HttpStatusCode.Created);
        var response = await platform.ClientFor("ndrc").PostAsync(
            "/api/reports/coordination/2026Q1/meeting", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Cancellation);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.ErrorFields());
        var meeting = await (await platform.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1/meeting", Cancellation)).ReadJsonAsync();
        Assert.Equal("gathering", meeting.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_retried_meeting_request_under_the_same_idempotency_key_makes_one_meeting_and_a_different_body_is_a_conflict()
    {
        platform.SetTime(China(6, 1, 10));
        async Task<HttpResponseMessage> AskAsync(string principal, string? key, JsonObject body)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/meetings") { Content = System.Net.Http.Json.JsonContent.Create(body) };
            if (key is not null)
            {
                message.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            }

            return await platform.ClientFor(principal).SendAsync(message, Cancellation);
        }

        JsonObject Body(string reason) => new() { ["reason"] = reason, ["agenda"] = new JsonArray(new JsonObject { ["title"] = "线索管辖", ["detail"] = "水务、交通" }) };

        var first = await (await AskAsync("water", "retry-7f3a", Body("跨部门线索管辖分歧"))).ReadJsonAsync(HttpStatusCode.Created);
        var meetingId = first.GetProperty("meetingId").GetString()!;
        Assert.Single(await ReceiveAsync("ndrc"), m => m.ApplicationProperties["department"] == "ndrc");

        // The retry, a moment later: the same meeting, no second notice to ndrc.
        platform.SetTime(China(6, 1, 10, 5));
        var again = await (await AskAsync("water", "retry-7f3a", Body("跨部门线索管辖分歧"))).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(meetingId, again.GetProperty("meetingId").GetString());
        Assert.Equal(first.GetProperty("requestedAt").GetDateTimeOffset(), again.GetProperty("requestedAt").GetDateTimeOffset());
        Assert.Empty(await ReceiveAsync("ndrc"));

        var conflict = await (await AskAsync("water", "retry-7f3a", Body("另一个理由"))).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(meetingId, conflict.GetProperty("meetingId").GetString());
        Assert.Equal("跨部门线索管辖分歧", (await (await platform.ClientFor("ndrc").GetAsync($"/api/meetings/{meetingId}", Cancellation)).ReadJsonAsync()).GetProperty("reason").GetString());

        // The key is the requester's own: another department's same key is another meeting; no key, a new meeting each time.
        var housing = await (await AskAsync("housing", "retry-7f3a", Body("跨部门线索管辖分歧"))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(meetingId, housing.GetProperty("meetingId").GetString());
        var unkeyed = await (await AskAsync("water", null, Body("跨部门线索管辖分歧"))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(unkeyed.GetProperty("meetingId").GetString(), (await (await AskAsync("water", null, Body("跨部门线索管辖分歧"))).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("meetingId").GetString());

        // A bad key is listed with the body's errors and stores nothing.
        var invalid = await (await AskAsync("water", new string('k', 101), new JsonObject())).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["Idempotency-Key", "reason"], invalid.ErrorFields());
    }

    private async Task<string[]> ListAsync(string principal, string query) =>
        (await ItemsAsync(principal, query)).Select(i => i.GetProperty("id").GetString()!).ToArray();

    /// <summary>Every page of the caller's action-item listing, pages of two so the page tokens are used.</summary>
    private async Task<List<JsonElement>> ItemsAsync(string principal, string query)
    {
        var client = platform.ClientFor(principal);
        var items = new List<JsonElement>();
        string? token = null;
        do
        {
            var path = $"/api/meetings/actions?pageSize=2{(query.Length > 0 ? "&" + query : "")}{(token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token))}";
            var page = await (await client.GetAsync(path, Cancellation)).ReadJsonAsync();
            items.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);
        return items;
    }

    /// <summary>Settles every message now on the subscription and returns those about meetings.</summary>
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
                return all.Where(m => m.ApplicationProperties.ContainsKey("meetingId")).ToList();
            }
        }
    }

    private async Task DrainAsync()
    {
        foreach (var subscription in new[] { "housing", "water", "police", "ndrc" })
        {
            await ReceiveAsync(subscription);
        }
    }

    private static JsonElement Section(JsonElement report, string department) =>
        report.GetProperty("departments").EnumerateArray().Single(d => d.GetProperty("department").GetString() == department);

    private static (int, int, int, int) Counts(JsonElement counts) =>
        (counts.GetProperty("open").GetInt32(), counts.GetProperty("closed").GetInt32(), counts.GetProperty("closedOnTime").GetInt32(), counts.GetProperty("overdue").GetInt32());
}
