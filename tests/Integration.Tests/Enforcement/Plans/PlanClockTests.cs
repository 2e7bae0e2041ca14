using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Tests.Support;
using static Integration.Tests.Enforcement.Plans.PlanSamples;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>
/// The plan's clocks are record deadlines fired by the deadline sweep, counted on the working-day calendar: here across
/// 劳动节 2026 (1–5 May off, Saturday 9 May worked).
/// </summary>
[Trait("lane", "integration")]
public sealed class PlanClockTests(PlanClockTests.Platform platform) : IClassFixture<PlanClockTests.Platform>
{
    public sealed class Platform : PlanPlatform;

    private static DateTimeOffset China(int month, int day, int hour, int minute = 0, int second = 0) =>
        new(2026, month, day, hour, minute, second, TimeSpan.FromHours(8));

    [Fact]
    public async Task Consultation_results_and_publication_remind_and_warn_across_the_May_Day_holiday()
    {
        await platform.SeedLibrariesAsync();
        platform.SetTime(China(4, 29, 10));
        await platform.PostAsync("transport", "/api/enforcement/plans", Plan("clock", from: "2026-05-06", to: "2026-05-11"), HttpStatusCode.Created);

        // From Wednesday 29 April: 30 April, then 6 and 7 May (1–5 May are the holiday): due at the end of 7 May.
        var created = await platform.PlanAsync("clock");
        Assert.Equal(China(5, 8, 0), created.GetProperty("consultation").GetProperty("deadline").GetDateTimeOffset());
        Assert.Equal(
            [("consultation-reminder", China(5, 7, 0)), ("consultation", China(5, 8, 0))],
            Deadlines(created));

        await platform.PostAsync("housing", "/api/enforcement/plans/clock/confirm");
        platform.SetTime(China(5, 6, 12));
        await platform.SweepDeadlinesAsync();
        Assert.DoesNotContain("enforcement.consultation-reminder", PlanPlatform.Actions(await platform.PlanAsync("clock")));

        platform.SetTime(China(5, 7, 0, 0, 1));
        await platform.SweepDeadlinesAsync();
        Assert.Contains("enforcement.consultation-reminder", PlanPlatform.Actions(await platform.PlanAsync("clock")));
        Assert.Single(await platform.MessagesAsync("market", "clock"), m => m.Subject == "enforcement.reminder");
        Assert.DoesNotContain(await platform.MessagesAsync("housing", "clock"), m => m.Subject == "enforcement.reminder");

        platform.SetTime(China(5, 8, 0, 0, 1));
        await platform.SweepDeadlinesAsync();
        var overdue = await platform.PlanAsync("clock");
        Assert.Equal(China(5, 8, 0, 0, 1), overdue.GetProperty("consultation").GetProperty("overdueAt").GetDateTimeOffset());
        var warning = Assert.Single(await platform.MessagesAsync("ndrc", "clock"), m => m.Subject == "enforcement.overdue");
        Assert.Equal(["market", "transport"], JsonDocument.Parse(warning.Body).RootElement.GetProperty("waiting").EnumerateArray().Select(e => e.GetString()));

        // Late, but still agreed: the plan goes on, and the draw dispatches the tasks with results due by the window's end.
        await platform.PostAsync("market", "/api/enforcement/plans/clock/confirm");
        await platform.PostAsync("transport", "/api/enforcement/plans/clock/confirm");
        await platform.PostAsync("ndrc", "/api/enforcement/plans/clock/approve");
        foreach (var department in Participants)
        {
            await platform.PostAsync(department, "/api/enforcement/plans/clock/draw/commitments", new JsonObject { ["commitment"] = DrawCommitments.Commit(Nonce("clock", department)) });
        }

        foreach (var department in Participants)
        {
            await platform.PostAsync(department, "/api/enforcement/plans/clock/draw/reveals", new JsonObject { ["nonce"] = Nonce("clock", department) });
        }

        Assert.Equal([("results-reminder", China(5, 11, 0)), ("results", China(5, 12, 0))], Deadlines(await platform.PlanAsync("clock")));

        platform.SetTime(China(5, 11, 8));
        await platform.SweepDeadlinesAsync();
        Assert.Contains("enforcement.results-reminder", PlanPlatform.Actions(await platform.PlanAsync("clock")));
        var inspector = (await platform.GetAsync("ndrc", "/api/enforcement/plans/clock/tasks")).GetProperty("tasks")[0].GetProperty("departments")[0].GetString()!;
        var reminded = Assert.Single(await platform.MessagesAsync(inspector, "clock"), m => m.Subject == "enforcement.reminder");
        Assert.Equal("results", JsonDocument.Parse(reminded.Body).RootElement.GetProperty("clock").GetString());

        // The window ends with no result: publication is due 5 working days after the window's end (12–15, 18 May).
        platform.SetTime(China(5, 12, 0, 0, 1));
        await platform.SweepDeadlinesAsync();
        var late = await platform.PlanAsync("clock");
        Assert.Contains("enforcement.results-overdue", PlanPlatform.Actions(late));
        Assert.Equal(China(5, 19, 0), late.GetProperty("publication").GetProperty("deadline").GetDateTimeOffset());
        Assert.Single(await platform.MessagesAsync("housing", "clock"), m => m.Subject == "enforcement.publication-due");
        Assert.Equal("results", JsonDocument.Parse(Assert.Single(await platform.MessagesAsync("ndrc", "clock"), m => m.Subject == "enforcement.overdue").Body).RootElement.GetProperty("clock").GetString());

        // Down all of the last day: the reminder stays silent, the warning goes out, and the public view says so.
        platform.SetTime(China(5, 19, 9));
        await platform.SweepDeadlinesAsync();
        var unpublished = await platform.PlanAsync("clock");
        Assert.Contains("enforcement.publish-overdue", PlanPlatform.Actions(unpublished));
        Assert.DoesNotContain("enforcement.publish-reminder", PlanPlatform.Actions(unpublished));
        Assert.Single(await platform.MessagesAsync("ndrc", "clock"), m => m.Subject == "enforcement.overdue");
        var shown = await platform.GetAsync("anonymous", "/api/public/enforcement/clock");
        Assert.True(shown.GetProperty("publicationOverdue").GetBoolean());
        Assert.Contains("超期未公示", shown.GetProperty("warning").GetString(), StringComparison.Ordinal);
    }

    private static (string, DateTimeOffset)[] Deadlines(JsonElement plan) =>
        plan.GetProperty("deadlines").EnumerateArray().Select(d => (d.GetProperty("name").GetString()!, d.GetProperty("dueAt").GetDateTimeOffset())).ToArray();
}
