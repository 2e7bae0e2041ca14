using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Support;

namespace Integration.Tests.Leads;

/// <summary>
/// The relay, return and feedback clocks run as durable deadlines: the clock is moved past the start
/// of the last working day and past the deadline, and the app's deadline sweep does the rest.
/// </summary>
[Trait("lane", "integration")]
public sealed class LeadClockTests(LeadClockTests.Platform platform) : IClassFixture<LeadClockTests.Platform>
{
    public sealed class Platform : LeadPlatform;

    private static DateTimeOffset China(int month, int day, int hour, int minute = 0, int second = 0) =>
        new(2026, month, day, hour, minute, second, TimeSpan.FromHours(8));

    [Fact]
    public async Task The_return_clock_reminds_on_its_last_day_and_then_closes_the_window()
    {
        platform.SetTime(LeadPlatform.Start);
        await platform.SubmitAsync(LeadPlatform.Lead("clock-return"));
        platform.SetTime(China(2, 24, 10));
        var received = await platform.ActAsync("housing", "clock-return", "receipt", Receipt());
        Assert.Equal("2026-02-27", Part(received, "housing").GetProperty("returnDeadline").GetProperty("deadline").GetString());

        platform.SetTime(China(2, 27, 9));
        await platform.FireDeadlinesAsync("clock-return", "lead.return-reminder");
        var reminder = Assert.Single(await platform.MessagesAsync("leads", "housing", "clock-return"), m => m.Subject == "lead.reminder");
        Assert.Equal("return", JsonDocument.Parse(reminder.Body).RootElement.GetProperty("clock").GetString());

        platform.SetTime(China(2, 28, 0, 0, 1));
        var closed = await platform.FireDeadlinesAsync("clock-return", "lead.return-window-closed");
        Assert.Equal(China(2, 28, 0, 0, 1), Part(closed, "housing").GetProperty("returnWindowClosedAt").GetDateTimeOffset());
        Assert.Single(await platform.MessagesAsync("leads", "housing", "clock-return"), m => m.Subject == "lead.return-window-closed");
        Assert.Single(await platform.MessagesAsync("leads", "ndrc", "clock-return"), m => m.Subject == "lead.return-window-closed");

        // 28 February 2026 is a working Saturday, so a return that day is one working day late.
        var returned = await platform.ActAsync("housing", "clock-return", "return", new JsonObject { ["reason"] = "不属本部门职责" });
        Assert.Equal(1, Part(returned, "housing").GetProperty("return").GetProperty("lateness").GetProperty("workingDaysLate").GetInt32());
    }

    [Fact]
    public async Task The_feedback_clock_reminds_the_recipient_then_warns_it_and_the_coordinator_and_lists_the_lead_overdue()
    {
        platform.SetTime(China(3, 2, 9));
        await platform.SubmitAsync(LeadPlatform.Lead("clock-feedback", "2026-03-02T08:00:00+08:00"));
        await platform.ActAsync("housing", "clock-feedback", "receipt", Receipt());
        platform.SetTime(China(3, 2, 10));
        var handled = await platform.ActAsync("housing", "clock-feedback", "completion", new JsonObject { ["completedAt"] = "2026-03-02T09:30:00+08:00" });
        Assert.Equal("2026-03-05", Part(handled, "housing").GetProperty("feedbackDeadline").GetProperty("deadline").GetString());

        platform.SetTime(China(3, 5, 9));
        await platform.FireDeadlinesAsync("clock-feedback", "lead.feedback-reminder");
        Assert.Single(await platform.MessagesAsync("leads", "housing", "clock-feedback"), m => m.Subject == "lead.reminder");
        Assert.DoesNotContain(await platform.MessagesAsync("leads", "ndrc", "clock-feedback"), m => m.Subject == "lead.reminder");
        Assert.DoesNotContain("clock-feedback", await OverdueAsync("ndrc"));

        platform.SetTime(China(3, 6, 0, 0, 1));
        var overdue = await platform.FireDeadlinesAsync("clock-feedback", "lead.feedback-overdue");
        var clock = Assert.Single(overdue.GetProperty("overdue").EnumerateArray());
        Assert.Equal("feedback", clock.GetProperty("clock").GetString());
        Assert.Equal("housing", clock.GetProperty("department").GetString());
        Assert.Single(await platform.MessagesAsync("leads", "housing", "clock-feedback"), m => m.Subject == "lead.overdue");
        Assert.Single(await platform.MessagesAsync("leads", "ndrc", "clock-feedback"), m => m.Subject == "lead.overdue");
        Assert.Contains("clock-feedback", await OverdueAsync("ndrc"));
        Assert.Contains("clock-feedback", await OverdueAsync("housing"));
        Assert.Contains("clock-feedback", await OverdueAsync("trading-center"));
        Assert.DoesNotContain("clock-feedback", await OverdueAsync("police"));

        platform.SetTime(China(3, 6, 10));
        var fedBack = await platform.ActAsync("housing", "clock-feedback", "result", new JsonObject { ["outcome"] = "penalty", ["decision"] = "威住建罚〔2026〕21号" });
        Assert.Equal(1, Part(fedBack, "housing").GetProperty("result").GetProperty("lateness").GetProperty("workingDaysLate").GetInt32());
        Assert.DoesNotContain("clock-feedback", await OverdueAsync("ndrc"));
    }

    [Fact]
    public async Task A_lead_waiting_for_the_coordinator_runs_the_relay_clock_and_a_late_routing_is_recorded_late()
    {
        platform.SetTime(China(3, 2, 9));
        var body = LeadPlatform.Lead("clock-relay", "2026-03-02T08:00:00+08:00");
        body["industry"] = null;
        body["category"] = "other";
        var lead = await platform.SubmitAsync(body);
        Assert.Equal("2026-03-05", lead.GetProperty("assignment").GetProperty("relayDeadline").GetProperty("deadline").GetString());

        platform.SetTime(China(3, 5, 8));
        await platform.FireDeadlinesAsync("clock-relay", "lead.relay-reminder");
        Assert.Single(await platform.MessagesAsync("leads", "ndrc", "clock-relay"), m => m.Subject == "lead.reminder");

        platform.SetTime(China(3, 6, 0, 0, 1));
        var overdue = await platform.FireDeadlinesAsync("clock-relay", "lead.relay-overdue");
        Assert.Equal(China(3, 6, 0, 0, 1), overdue.GetProperty("assignment").GetProperty("overdueAt").GetDateTimeOffset());
        Assert.Single(await platform.MessagesAsync("leads", "ndrc", "clock-relay"), m => m.Subject == "lead.overdue");
        Assert.Contains("clock-relay", await OverdueAsync("ndrc"));

        platform.SetTime(China(3, 9, 10));
        var routed = await platform.ActAsync("ndrc", "clock-relay", "route", new JsonObject { ["department"] = "housing" });
        var relay = Part(routed, "housing").GetProperty("relay");
        Assert.True(relay.GetProperty("late").GetBoolean());
        Assert.Equal(2, relay.GetProperty("workingDaysLate").GetInt32());
        Assert.Empty(routed.GetProperty("overdue").EnumerateArray());
        Assert.Contains("lead.routed", LeadPlatform.Actions(await platform.GetLeadAsync("clock-relay")));
    }

    private async Task<string[]> OverdueAsync(string principal)
    {
        var page = await (await platform.ClientFor(principal).GetAsync("/api/leads?overdue=true", LeadPlatform.Cancellation)).ReadJsonAsync();
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("leadId").GetString()!).ToArray();
    }

    private static JsonElement Part(JsonElement lead, string department) =>
        lead.GetProperty("recipients").EnumerateArray().Last(r => r.GetProperty("department").GetString() == department);

    private static JsonObject Receipt() => new() { ["materials"] = new JsonArray(LeadPlatform.Sha(1), LeadPlatform.Sha(2)) };
}
