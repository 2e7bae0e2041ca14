using System.Net;
using Integration.Domain.Calendar;
using Integration.Domain.Storage;
using Integration.Functions.Calendar;
using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Durable;

/// <summary>A deadline counted into a year without a notice is recounted when the notice is loaded.</summary>
[Trait("lane", "integration")]
public sealed class ProvisionalDeadlineTests : IDisposable
{
    private readonly string calendarFile = Path.Combine(Path.GetTempPath(), $"calendar-{Guid.NewGuid():N}.json");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Loading_next_years_notice_moves_a_provisional_deadline_and_records_why()
    {
        File.Copy(TestCalendar.DataFile, calendarFile);
        using var platform = new PlatformFactory().With("Calendar:DataFile", calendarFile);
        var records = platform.Services.GetRequiredService<RecordStore>();
        var calendar = platform.Services.GetRequiredService<CalendarSource>();
        var key = new RecordKey("test", Guid.NewGuid().ToString("N"));

        // From 2026-12-30, 3 working days: without a 2027 notice 1 January counts, so 2027-01-04.
        var from = new DateTimeOffset(2026, 12, 30, 10, 0, 0, TimeSpan.FromHours(8));
        var schedule = Assert.Single(WorkingDayDeadlines.Schedules([new ClockStart("reply", RecordingDeadlineHandler.Action, ClockBasis.Starting(from, 3), Reminder: false, null)], calendar.Current, from));
        Assert.True(schedule.Provisional);
        Assert.Equal(new DateTimeOffset(2027, 1, 5, 0, 0, 0, TimeSpan.FromHours(8)), schedule.DueAt);
        await records.CreateAsync(key, new Change<Counter> { State = new Counter(0, ""), Action = "test.created", Principal = "ndrc", Schedule = [schedule] }, Ct);

        // The (hypothetical, for the test) 2027 notice: 1–3 January off.
        var text = await File.ReadAllTextAsync(calendarFile, Ct);
        var notice = """{ "year": 2027, "notice": "test notice", "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ] },""";
        await File.WriteAllTextAsync(calendarFile, text.Replace("\"years\": [", "\"years\": [" + notice, StringComparison.Ordinal), Ct);

        var reload = await (await platform.ClientFor("admin").PostAsync("/api/operations/calendar/reload", null, Ct)).ReadJsonAsync();
        Assert.Equal([2024, 2025, 2026, 2027], reload.GetProperty("coveredYears").EnumerateArray().Select(y => y.GetInt32()));
        Assert.True(reload.GetProperty("deadlinesRecounted").GetInt32() >= 1);

        var record = (await records.GetAsync<Counter>(key, Ct))!;
        var deadline = record.Deadline("reply")!;
        Assert.False(deadline.Provisional);
        Assert.Equal(new DateTimeOffset(2027, 1, 6, 0, 0, 0, TimeSpan.FromHours(8)), deadline.DueAt); // 12/31, 1/4, 1/5
        Assert.Equal(2, deadline.Generation);
        Assert.Equal("deadline.recounted", (await records.HistoryAsync(key, Ct))[^1].Action);

        // The index moved with it: the new generation is due at the new instant; the old row is stale.
        var index = await platform.Services.GetRequiredService<ITableStore>().QueryAsync(DeadlineIndex.Table, TableQuery.Partition(DeadlineIndex.DuePartition, 1000), null, Ct);
        var rows = index.Entities.Where(r => r.GetString("Record") == key.PartitionKey).ToDictionary(r => r.GetInt64("Generation")!.Value, r => r.GetDateTimeOffset("DueAt"));
        Assert.Equal(deadline.DueAt, rows[2]);
    }

    [Fact]
    public async Task A_bad_calendar_edit_is_refused_and_the_old_calendar_stays()
    {
        File.Copy(TestCalendar.DataFile, calendarFile);
        using var platform = new PlatformFactory().With("Calendar:DataFile", calendarFile);
        _ = platform.Services;
        await File.WriteAllTextAsync(calendarFile, (await File.ReadAllTextAsync(calendarFile, Ct)).Replace("2026-02-23", "2026-02-31", StringComparison.Ordinal), Ct);

        var problem = await (await platform.ClientFor("admin").PostAsync("/api/operations/calendar/reload", null, Ct)).ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("2026 春节: \"to\" \"2026-02-31\" is not a yyyy-MM-dd date", problem.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
        var day = await (await platform.CreateClient().GetAsync("/api/calendar/days/2026-02-23", Ct)).ReadJsonAsync();
        Assert.Equal("holiday", day.GetProperty("kind").GetString());
    }

    public void Dispose() => File.Delete(calendarFile);
}
