using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Leads;
using Integration.Tests.Support;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Calendar;

/// <summary>
/// A deadline is stored as its rule and counted on the calendar loaded now: after a reload that moves a
/// provisional deadline, the detail, the listing, the overdue filter and lateness all show the new count.
/// </summary>
[Trait("lane", "integration")]
public sealed class CalendarReloadViewsTests : IDisposable
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>The tests' 2027 notice: 1–3 January off, which moves every count through New Year by a day.</summary>
    private const string Notice2027 = """{ "year": 2027, "notice": "test notice", "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ] },""";

    private readonly string calendarFile = Path.Combine(Path.GetTempPath(), $"calendar-{Guid.NewGuid():N}.json");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_a_reload_that_moves_a_provisional_deadline_every_view_of_an_approval_agrees()
    {
        File.Copy(TestCalendar.DataFile, calendarFile);
        using var platform = new LeadPlatform();
        platform.With("Calendar:DataFile", calendarFile);
        platform.SetTime(new DateTimeOffset(2026, 12, 31, 10, 0, 0, China));
        var waiting = NewId();
        var claimed = NewId();
        await (await platform.PushAsync(Valid(waiting))).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PushAsync(Valid(claimed))).ReadJsonAsync(HttpStatusCode.Created);

        // Without a 2027 notice, 1 January counts: two working days from 31 December end on 4 January.
        platform.SetTime(new DateTimeOffset(2027, 1, 5, 10, 0, 0, China));
        var before = await platform.GetJsonAsync("housing", $"/api/approvals/{waiting}");
        Assert.Equal(("2027-01-04", true), Deadline(before.GetProperty("claimDeadline")));
        Assert.Equal("overdue", before.GetProperty("status").GetString());
        var lateClaim = await (await platform.PostAsync("housing", $"/api/approvals/{claimed}/claim")).ReadJsonAsync();
        Assert.True(lateClaim.GetProperty("claim").GetProperty("claimedLate").GetBoolean());

        await ReloadWith2027NoticeAsync(platform);

        // 1 January is a holiday now: the claim is due at the end of 5 January, so at 10:00 that day it is not late.
        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{waiting}");
        Assert.Equal(("2027-01-05", false), Deadline(detail.GetProperty("claimDeadline")));
        Assert.Equal("pending", detail.GetProperty("status").GetString());
        var part = detail.GetProperty("claims").EnumerateArray().Single(c => c.GetProperty("department").GetString() == "housing");
        Assert.Equal(("2027-01-05", false), Deadline(part.GetProperty("claimDeadline")));
        Assert.Equal("pending", part.GetProperty("status").GetString());
        var due = detail.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "claim:housing");
        Assert.Equal("2027-01-06T00:00:00+08:00", due.GetProperty("dueAt").GetString());

        foreach (var viewer in new[] { "housing", "ndrc" })
        {
            var pending = await platform.GetJsonAsync(viewer, "/api/approvals?status=pending&pageSize=200");
            var listed = Assert.Single(pending.GetProperty("items").EnumerateArray(), i => i.GetProperty("approvalId").GetString() == waiting);
            Assert.Equal("pending", listed.GetProperty("status").GetString());
            Assert.Equal(("2027-01-05", false), Deadline(listed.GetProperty("claimDeadline")));
            var overdue = await platform.GetJsonAsync(viewer, "/api/approvals?status=overdue&pageSize=200");
            Assert.DoesNotContain(waiting, overdue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("approvalId").GetString()));
        }

        var claimedDetail = await platform.GetJsonAsync("housing", $"/api/approvals/{claimed}");
        var claim = claimedDetail.GetProperty("claims").EnumerateArray().Single(c => c.GetProperty("department").GetString() == "housing");
        Assert.False(claim.GetProperty("claimedLate").GetBoolean());
        var again = await (await platform.PostAsync("housing", $"/api/approvals/{claimed}/claim")).ReadJsonAsync();
        Assert.False(again.GetProperty("claim").GetProperty("claimedLate").GetBoolean());
    }

    [Fact]
    public async Task After_a_reload_that_moves_a_provisional_deadline_every_view_of_a_lead_agrees()
    {
        File.Copy(TestCalendar.DataFile, calendarFile);
        using var platform = new LeadPlatform();
        platform.With("Calendar:DataFile", calendarFile);

        // Discovered on 30 December with no competent department known: the coordinator must route it.
        // Without a 2027 notice the relay is due at the end of 4 January (31 Dec, 1 Jan, 4 Jan).
        platform.SetTime(new DateTimeOffset(2027, 1, 5, 10, 0, 0, China));
        var leadId = NewId("L");
        var lead = LeadPlatform.Lead(leadId, "2026-12-30T15:00:00+08:00");
        lead.Remove("industry");
        await platform.SubmitAsync(lead);

        var before = await platform.GetLeadAsync(leadId);
        Assert.Equal(("2027-01-04", true), Deadline(before.GetProperty("relayDeadline")));
        Assert.True(before.GetProperty("relay").GetProperty("late").GetBoolean());
        Assert.Contains(leadId, await OverdueLeadsAsync(platform));

        await ReloadWith2027NoticeAsync(platform);

        // 31 Dec, 4 Jan, 5 Jan: relayed at 10:00 on the last day, on time and not overdue.
        var detail = await platform.GetLeadAsync(leadId);
        Assert.Equal(("2027-01-05", false), Deadline(detail.GetProperty("relayDeadline")));
        Assert.False(detail.GetProperty("relay").GetProperty("late").GetBoolean());
        Assert.Equal(0, detail.GetProperty("relay").GetProperty("workingDaysLate").GetInt32());
        Assert.Equal(("2027-01-05", false), Deadline(detail.GetProperty("assignment").GetProperty("relayDeadline")));
        Assert.All(detail.GetProperty("recipients").EnumerateArray(), r =>
        {
            Assert.Equal(("2027-01-05", false), Deadline(r.GetProperty("relayDeadline")));
            Assert.False(r.GetProperty("relay").GetProperty("late").GetBoolean());
        });
        Assert.Empty(detail.GetProperty("overdue").EnumerateArray());
        Assert.DoesNotContain(leadId, await OverdueLeadsAsync(platform));

        var listed = Assert.Single(
            (await (await platform.ClientFor("ndrc").GetAsync("/api/leads?status=awaiting-route&pageSize=200", Ct)).ReadJsonAsync()).GetProperty("items").EnumerateArray(),
            i => i.GetProperty("leadId").GetString() == leadId);
        Assert.Equal(detail.GetProperty("relayDeadline").GetRawText(), listed.GetProperty("relayDeadline").GetRawText());
        Assert.False(listed.GetProperty("relay").GetProperty("late").GetBoolean());
    }

    public void Dispose() => File.Delete(calendarFile);

    private static (string Deadline, bool Provisional) Deadline(JsonElement deadline) =>
        (deadline.GetProperty("deadline").GetString()!, deadline.GetProperty("provisional").GetBoolean());

    private static async Task<string?[]> OverdueLeadsAsync(LeadPlatform platform) =>
        (await (await platform.ClientFor("ndrc").GetAsync("/api/leads?overdue=true&pageSize=200", Ct)).ReadJsonAsync())
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("leadId").GetString()).ToArray();

    private async Task ReloadWith2027NoticeAsync(LeadPlatform platform)
    {
        var text = await File.ReadAllTextAsync(calendarFile, Ct);
        await File.WriteAllTextAsync(calendarFile, text.Replace("\"years\": [", "\"years\": [" + Notice2027, StringComparison.Ordinal), Ct);
        var reload = await (await platform.ClientFor("admin").PostAsync("/api/operations/calendar/reload", null, Ct)).ReadJsonAsync();
        Assert.Contains(2027, reload.GetProperty("coveredYears").EnumerateArray().Select(y => y.GetInt32()));
    }
}
