using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Enforcement.Plans;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Enforcement.Plans.PlanSamples;

namespace Integration.Tests.Reports;

/// <summary>
/// The enforcement section of a coordination report over plans run through the API: one published after a late result,
/// one whose tasks and publication ran out, one still in consultation and one created in the quarter before. The
/// numbers are exact and agree with what <c>GET /api/enforcement/plans</c> and <c>…/tasks</c> show.
/// </summary>
[Trait("lane", "integration")]
public sealed class EnforcementReportTests : IDisposable
{
    private static readonly string[] Departments = ["housing", "market", "transport", "water"];
    private readonly PlanPlatform platform = new();

    public void Dispose() => platform.Dispose();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DateTimeOffset China(int year, int month, int day, int hour) => new(year, month, day, hour, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Plans_count_by_creation_and_tasks_by_dispatch_with_late_results_and_publication_in_the_rate()
    {
        // Created in 2025Q4: outside the report.
        platform.SetTime(China(2025, 12, 30, 10));
        await platform.PostAsync("transport", "/api/enforcement/plans", Plan("rpt-enf-old"), HttpStatusCode.Created);

        // Both drawn on Monday 2 March with a window ending Friday 6 March.
        platform.SetTime(PlanPlatform.Start);
        await platform.DrawnAsync("rpt-enf-done", Plan("rpt-enf-done", "2026-03-02", "2026-03-06"));
        await platform.DrawnAsync("rpt-enf-late", Plan("rpt-enf-late", "2026-03-02", "2026-03-06"));
        var consulting = Plan("rpt-enf-water");
        consulting["leadDepartment"] = "water";
        consulting["participants"] = new JsonArray("water", "market");
        await platform.PostAsync("water", "/api/enforcement/plans", consulting, HttpStatusCode.Created);

        // rpt-enf-done: one result within the window, one after it; then published within its clock (6 March + 5 working days).
        var done = await TasksAsync("rpt-enf-done");
        Assert.Equal(2, done.Length);
        platform.SetTime(China(2026, 3, 5, 9));
        await EnterResultAsync("rpt-enf-done", done[0]);
        platform.SetTime(China(2026, 3, 9, 9));
        await platform.SweepDeadlinesAsync();
        platform.SetTime(China(2026, 3, 10, 9));
        await EnterResultAsync("rpt-enf-done", done[1]);
        platform.SetTime(China(2026, 3, 11, 9));
        await platform.PostAsync("housing", "/api/enforcement/plans/rpt-enf-done/publish");

        platform.SetTime(China(2026, 3, 16, 9));
        await platform.SweepDeadlinesAsync();

        platform.SetTime(China(2026, 3, 20, 10));
        var report = await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2026Q1" }, HttpStatusCode.Created);
        Assert.Equal(China(2026, 3, 20, 10), report.GetProperty("asOf").GetDateTimeOffset());

        // Three plans in the quarter (8 participations), four tasks: one on time, one late, two overdue; one publication on time, one overdue.
        var municipality = report.GetProperty("municipality");
        Assert.Equal((3, 8, 4, 2, 1, 2, 1, 1, 1), Enforcement(municipality));
        Assert.Equal(0.3333m, municipality.GetProperty("enforcement").GetProperty("onTimeRate").GetDecimal());
        Assert.Equal(0.3333m, municipality.GetProperty("onTimeRate").GetDecimal());

        Assert.Equal((0, 2), Plans(Section(report, "housing")));
        Assert.Equal((0, 3), Plans(Section(report, "market")));
        Assert.Equal((2, 2), Plans(Section(report, "transport")));
        Assert.Equal((1, 1), Plans(Section(report, "water")));
        var housing = Section(report, "housing").GetProperty("enforcement");
        Assert.Equal((1, 1, 1), (housing.GetProperty("published").GetInt32(), housing.GetProperty("publishedOnTime").GetInt32(), housing.GetProperty("publicationOverdue").GetInt32()));
        Assert.Contains(
            ("plan", "rpt-enf-late", "publication", "2026-03-13", 5),
            Section(report, "housing").GetProperty("overdueItems").EnumerateArray().Select(Item));
        Assert.Equal(
            (0, 0, 0, 0, 0, 0, 0, 0, 0),
            Enforcement(Section(report, "police")));

        // Each department's figures, recomputed from the listings the departments see.
        var late = await TasksAsync("rpt-enf-late");
        var tasks = (await TasksAsync("rpt-enf-done")).Concat(late).ToArray();
        foreach (var department in Departments)
        {
            await ReconcileAsync(report, department, tasks);
        }

        // The tasks of rpt-enf-late are overdue for each department inspecting them, 10 working days after 6 March.
        foreach (var task in late)
        {
            foreach (var department in task.GetProperty("departments").EnumerateArray().Select(d => d.GetString()!))
            {
                Assert.Contains(
                    ("task", "rpt-enf-late/" + task.GetProperty("taskId").GetString(), "result", "2026-03-06", 10),
                    Section(report, department).GetProperty("overdueItems").EnumerateArray().Select(Item));
            }
        }
    }

    [Fact]
    public async Task Tasks_of_a_suspended_then_resumed_plan_are_late_only_after_its_results_due_date()
    {
        // Drawn on Monday 2 March, window to Friday 6 March; suspended on Wednesday 4 March, resumed on Monday 9 March.
        platform.SetTime(PlanPlatform.Start);
        await platform.DrawnAsync("rpt-enf-susp", Plan("rpt-enf-susp", "2026-03-02", "2026-03-06"));
        platform.SetTime(China(2026, 3, 4, 10));
        await platform.PostAsync("housing", "/api/enforcement/plans/rpt-enf-susp/suspend", new JsonObject { ["reason"] = "接上级通知，暂停本轮抽查" });
        var reports = platform.Services.GetRequiredService<Integration.Functions.Reports.CoordinationReports>();
        var quarter = Integration.Domain.Reports.ReportPeriod.Parse("2026Q1").Period!;
        var tasks = (await TasksAsync("rpt-enf-susp")).Length;
        Assert.True(tasks > 0);

        // While suspended past the window's end the results clock stands still: nothing is late.
        platform.SetTime(China(2026, 3, 9, 9));
        Assert.Equal(0, (await reports.ComputeAsync(quarter, 1, null, Cancellation)).Municipality.Enforcement.TasksOverdue);

        platform.SetTime(China(2026, 3, 9, 10));
        await platform.PostAsync("ndrc", "/api/enforcement/plans/rpt-enf-susp/resume");
        var resultsDue = DateOnly.Parse((await platform.PlanAsync("rpt-enf-susp")).GetProperty("resultsDue").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(resultsDue > new DateOnly(2026, 3, 9), $"results due {resultsDue}");

        // After the window's end but on the results due date: on time still.
        platform.SetTime(new DateTimeOffset(resultsDue.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)));
        Assert.Equal(0, (await reports.ComputeAsync(quarter, 1, null, Cancellation)).Municipality.Enforcement.TasksOverdue);

        // The working day after it: every task is late by one working day, counted from the results due date.
        var after = resultsDue.AddDays(1);
        Assert.True(after.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday), $"results due {resultsDue}");
        platform.SetTime(new DateTimeOffset(after.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)));
        var content = await reports.ComputeAsync(quarter, 1, null, Cancellation);
        Assert.Equal(tasks, content.Municipality.Enforcement.TasksOverdue);
        var late = content.Departments.SelectMany(d => d.OverdueItems).Where(i => i.Kind == "task").ToArray();
        Assert.NotEmpty(late);
        Assert.All(late, i => Assert.Equal((resultsDue, 1), (i.Deadline, i.WorkingDaysLate)));
    }

    private async Task ReconcileAsync(JsonElement report, string department, IReadOnlyList<JsonElement> tasks)
    {
        var from = China(2026, 1, 1, 0);
        var plans = (await platform.GetAsync("ndrc", "/api/enforcement/plans?pageSize=100")).GetProperty("items").EnumerateArray()
            .Where(p => p.GetProperty("createdAt").GetDateTimeOffset() >= from).ToArray();
        var theirs = tasks.Where(t => t.GetProperty("departments").EnumerateArray().Any(d => d.GetString() == department)).ToArray();
        var completed = theirs.Where(t => t.GetProperty("status").GetString() == "done").ToArray();
        var published = plans.Where(p => p.GetProperty("leadDepartment").GetString() == department && p.GetProperty("publication").GetProperty("publishedAt").ValueKind != JsonValueKind.Null).ToArray();
        var expected = (
            plans.Count(p => p.GetProperty("initiator").GetString() == department),
            plans.Count(p => p.GetProperty("participants").EnumerateArray().Any(d => d.GetString() == department)),
            theirs.Length,
            completed.Length,
            completed.Count(t => !t.GetProperty("result").GetProperty("lateness").GetProperty("late").GetBoolean()),
            theirs.Length - completed.Length,
            published.Length,
            published.Count(p => !p.GetProperty("publication").GetProperty("late").GetBoolean()),
            plans.Count(p => p.GetProperty("leadDepartment").GetString() == department && p.GetProperty("publication").GetProperty("publishedAt").ValueKind == JsonValueKind.Null
                && p.GetProperty("publication").GetProperty("overdueAt").ValueKind != JsonValueKind.Null));
        Assert.Equal(expected, Enforcement(Section(report, department)));
    }

    private async Task<JsonElement[]> TasksAsync(string planId) =>
        (await platform.GetAsync("ndrc", $"/api/enforcement/plans/{planId}/tasks")).GetProperty("tasks").EnumerateArray().ToArray();

    private async Task EnterResultAsync(string planId, JsonElement task)
    {
        var result = PlanMachineTests.Result("no-problem");
        result["completedAt"] = platform.Time.GetUtcNow().ToString("O");
        await platform.PostAsync(task.GetProperty("departments")[0].GetString()!, $"/api/enforcement/plans/{planId}/tasks/{task.GetProperty("taskId").GetString()}/result", result);
    }

    private static JsonElement Section(JsonElement report, string department) =>
        report.GetProperty("departments").EnumerateArray().Single(d => d.GetProperty("department").GetString() == department);

    private static (int, int) Plans(JsonElement section) =>
        (section.GetProperty("enforcement").GetProperty("plansInitiated").GetInt32(), section.GetProperty("enforcement").GetProperty("plansParticipated").GetInt32());

    private static (int, int, int, int, int, int, int, int, int) Enforcement(JsonElement section)
    {
        var e = section.GetProperty("enforcement");
        return (e.GetProperty("plansInitiated").GetInt32(), e.GetProperty("plansParticipated").GetInt32(), e.GetProperty("tasksAssigned").GetInt32(),
            e.GetProperty("tasksCompleted").GetInt32(), e.GetProperty("tasksCompletedOnTime").GetInt32(), e.GetProperty("tasksOverdue").GetInt32(),
            e.GetProperty("published").GetInt32(), e.GetProperty("publishedOnTime").GetInt32(), e.GetProperty("publicationOverdue").GetInt32());
    }

    private static (string?, string?, string?, string?, int) Item(JsonElement i) => (
        i.GetProperty("kind").GetString(), i.GetProperty("id").GetString(), i.GetProperty("step").GetString(),
        i.GetProperty("deadline").GetString(), i.GetProperty("workingDaysLate").GetInt32());
}
