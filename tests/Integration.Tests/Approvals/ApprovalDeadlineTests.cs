using System.Net;
using System.Text.Json;
using Integration.Functions.Approvals;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Approvals;

/// <summary>Claim deadlines on a clock the tests move: across the Spring Festival of 2026, with the reminder and the overdue warning.</summary>
[Trait("lane", "integration")]
public sealed class ApprovalDeadlineTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static PlatformFactory Platform(DateTimeOffset now, out ManualTimeProvider clock, int? claimWorkingDays = null)
    {
        clock = new ManualTimeProvider(now);
        var platform = new PlatformFactory().WithTime(clock).WithDeadlinesSweptByTest();
        if (claimWorkingDays is { } days)
        {
            platform.With("Approvals:ClaimWorkingDays", days.ToString(CultureInfo.InvariantCulture));
        }

        return platform;
    }

    private static async Task<string[]> StatusesAsync(PlatformFactory platform, string principal) =>
        (await platform.GetJsonAsync(principal, "/api/approvals")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()!).ToArray();

    private static async Task<JsonElement> ClaimDeadlineOfAsync(PlatformFactory platform, string id)
    {
        var body = await (await platform.PushAsync(Valid(id))).ReadJsonAsync(HttpStatusCode.Created);
        return body.GetProperty("claims")[0].GetProperty("claimDeadline");
    }

    [Fact]
    public async Task Pushed_the_day_before_the_Spring_Festival_weekend_the_claim_is_due_after_the_holiday()
    {
        using var platform = Platform(new DateTimeOffset(2026, 2, 13, 10, 0, 0, China), out _);
        var id = NewId();
        var deadline = await ClaimDeadlineOfAsync(platform, id);

        Assert.Equal("2026-02-24", deadline.GetProperty("deadline").GetString());
        Assert.Equal("2026-02-25T00:00:00+08:00", deadline.GetProperty("dueAt").GetString());
        Assert.False(deadline.GetProperty("provisional").GetBoolean());

        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal(deadline.GetRawText(), detail.GetProperty("claimDeadline").GetRawText());
        var deadlines = detail.GetProperty("deadlines").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("dueAt").GetString());
        Assert.Equal("2026-02-24T00:00:00+08:00", deadlines["claim-reminder:housing"]);
        Assert.Equal("2026-02-25T00:00:00+08:00", deadlines["claim:housing"]);
    }

    [Fact]
    public async Task Pushed_on_the_twelfth_the_adjusted_working_Saturday_counts_and_three_days_reach_the_twenty_fourth()
    {
        using (var two = Platform(new DateTimeOffset(2026, 2, 12, 10, 0, 0, China), out _))
        {
            Assert.Equal("2026-02-14", (await ClaimDeadlineOfAsync(two, NewId())).GetProperty("deadline").GetString());
        }

        using var three = Platform(new DateTimeOffset(2026, 2, 12, 10, 0, 0, China), out _, claimWorkingDays: 3);
        Assert.Equal("2026-02-24", (await ClaimDeadlineOfAsync(three, NewId())).GetProperty("deadline").GetString());
    }

    [Fact]
    public async Task A_deadline_in_a_year_without_a_State_Council_notice_is_provisional()
    {
        using var platform = Platform(new DateTimeOffset(2026, 12, 31, 10, 0, 0, China), out _);
        var id = NewId();
        var deadline = await ClaimDeadlineOfAsync(platform, id);
        Assert.True(deadline.GetProperty("provisional").GetBoolean());
        Assert.Equal("2027-01-04", deadline.GetProperty("deadline").GetString());
    }

    [Fact]
    public async Task Unclaimed_the_department_is_reminded_on_the_last_day_and_warned_with_the_coordinator_when_it_passes()
    {
        using var platform = Platform(new DateTimeOffset(2026, 2, 13, 10, 0, 0, China), out var clock);
        var id = NewId();
        await ClaimDeadlineOfAsync(platform, id);
        await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id);

        clock.SetUtcNow(new DateTimeOffset(2026, 2, 23, 23, 59, 59, China));
        Assert.Equal(0, (await platform.SweepDeadlinesAsync()).Seen);
        clock.SetUtcNow(new DateTimeOffset(2026, 2, 24, 0, 0, 1, China));
        Assert.Equal(1, (await platform.SweepDeadlinesAsync()).Fired);
        Assert.Contains(ApprovalMessages.ClaimReminder, (await platform.GetJsonAsync("housing", $"/api/approvals/{id}")).HistoryActions());
        var reminder = Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id));
        Assert.Equal(ApprovalMessages.ClaimReminder, reminder.Subject);
        Assert.Equal(["pending"], await StatusesAsync(platform, "housing"));

        clock.SetUtcNow(new DateTimeOffset(2026, 2, 25, 0, 0, 1, China));
        Assert.Equal(1, (await platform.SweepDeadlinesAsync()).Fired);

        Assert.Equal(ApprovalMessages.ClaimOverdue, Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id)).Subject);
        var toCoordinator = Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "ndrc", id));
        Assert.Equal(ApprovalMessages.ClaimOverdue, toCoordinator.Subject);
        Assert.Equal("housing", toCoordinator.Body().GetProperty("details").GetProperty("overdueDepartment").GetString());

        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal(["approval.received", ApprovalMessages.ClaimReminder, ApprovalMessages.ClaimOverdue], detail.HistoryActions());
        Assert.Equal("overdue", detail.GetProperty("status").GetString());
        Assert.Equal([id], (await platform.GetJsonAsync("housing", "/api/approvals?status=overdue")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("approvalId").GetString()!).ToArray());
        Assert.Equal([id], (await platform.GetJsonAsync("ndrc", "/api/approvals?status=overdue")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("approvalId").GetString()!).ToArray());
        Assert.Empty((await platform.GetJsonAsync("housing", "/api/approvals?status=pending")).GetProperty("items").EnumerateArray());

        // Claimed late: still the department's, marked late.
        var late = await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        Assert.True(late.GetProperty("claim").GetProperty("claimedLate").GetBoolean());
        Assert.Equal("claimed", late.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_claim_in_time_cancels_the_reminder_and_the_warning()
    {
        using var platform = Platform(new DateTimeOffset(2026, 2, 13, 10, 0, 0, China), out var clock);
        var id = NewId();
        await ClaimDeadlineOfAsync(platform, id);
        await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id);

        clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 9, 0, 0, China));
        // The index rows were written before the claim and still come due; they must find nothing to do.
        var swept = await platform.SweepDeadlinesAsync();
        Assert.Equal((0, 2), (swept.Fired, swept.Stale));
        Assert.Equal(0, (await platform.SweepDeadlinesAsync()).Seen);

        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal(["approval.received", "approval.claimed"], detail.HistoryActions());
        Assert.Equal("claimed", detail.GetProperty("status").GetString());
        Assert.Empty(await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id));
        Assert.Empty(await platform.TakeAsync(ApprovalMessages.Approvals, "ndrc", id));
    }

    [Fact]
    public async Task A_wake_up_delivered_twice_warns_once()
    {
        using var platform = Platform(new DateTimeOffset(2026, 2, 13, 10, 0, 0, China), out var clock);
        var id = NewId();
        await ClaimDeadlineOfAsync(platform, id);
        var records = platform.Services.GetRequiredService<RecordStore>();
        var record = await records.GetAsync<Integration.Domain.Approvals.ApprovalState>(ApprovalService.Key(id), Cancellation);
        var deadline = record!.Deadline(ApprovalDeadlines.ClaimDue("housing"))!;
        var due = new DeadlineDue(record.Key.PartitionKey, deadline.Name, deadline.Generation, deadline.Action, deadline.DueAt);
        var handler = platform.Services.GetRequiredService<ApprovalDeadlines>();

        // Driven directly, as a retry after a crash would: then the sweep comes too and finds it done.
        clock.SetUtcNow(deadline.DueAt);
        await handler.HandleAsync(due, Cancellation);
        await handler.HandleAsync(due, Cancellation);
        await platform.SweepDeadlinesAsync();

        var history = (await platform.GetJsonAsync("housing", $"/api/approvals/{id}")).HistoryActions();
        Assert.Single(history, ApprovalMessages.ClaimOverdue);
        Assert.Single(history, ApprovalMessages.ClaimReminder);
    }
}
