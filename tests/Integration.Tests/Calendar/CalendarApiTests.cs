using System.Net;
using Integration.Tests.Support;

namespace Integration.Tests.Calendar;

[Trait("lane", "integration")]
public sealed class CalendarApiTests(CalendarApiTests.Platform platform) : IClassFixture<CalendarApiTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private readonly HttpClient client = platform.CreateClient();

    [Theory]
    [InlineData("2026-02-16", false, "holiday", "春节", false)]
    [InlineData("2026-02-14", true, "adjusted-workday", "春节", false)]
    [InlineData("2026-02-13", true, "workday", null, false)]
    [InlineData("2026-02-08", false, "weekend", null, false)]
    [InlineData("2027-02-08", true, "workday", null, true)]
    public async Task A_day_is_described_without_credentials(string date, bool working, string kind, string? holiday, bool provisional)
    {
        var body = await (await client.GetAsync($"/api/calendar/days/{date}", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal(date, body.GetProperty("date").GetString());
        Assert.Equal(working, body.GetProperty("isWorkingDay").GetBoolean());
        Assert.Equal(kind, body.GetProperty("kind").GetString());
        Assert.Equal(holiday, body.GetProperty("holiday").GetString());
        Assert.Equal(provisional, body.GetProperty("provisional").GetBoolean());
    }

    [Fact]
    public async Task The_spring_festival_example_is_due_at_midnight_after_the_24th()
    {
        var body = await (await client.GetAsync("/api/calendar/deadline?from=2026-02-12&workingDays=3", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal("2026-02-12", body.GetProperty("from").GetString());
        Assert.Equal(3, body.GetProperty("workingDays").GetInt32());
        Assert.Equal("2026-02-24", body.GetProperty("deadline").GetString());
        Assert.Equal("2026-02-25T00:00:00+08:00", body.GetProperty("dueAt").GetString());
        Assert.False(body.GetProperty("provisional").GetBoolean());
    }

    [Theory]
    [InlineData("2026-04-30T23:30:00%2B08:00", "2026-04-30", "2026-05-08")]
    [InlineData("2026-04-30T16:00:00Z", "2026-05-01", "2026-05-08")]
    [InlineData("2026-04-30T15:59:59Z", "2026-04-30", "2026-05-08")]
    public async Task An_instant_counts_from_its_China_date(string from, string day, string deadline)
    {
        var body = await (await client.GetAsync($"/api/calendar/deadline?from={from}&workingDays=3", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal(day, body.GetProperty("from").GetString());
        Assert.Equal(deadline, body.GetProperty("deadline").GetString());
    }

    [Fact]
    public async Task A_deadline_in_a_year_without_a_notice_is_provisional()
    {
        var body = await (await client.GetAsync("/api/calendar/deadline?from=2026-12-30&workingDays=3", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal("2027-01-04", body.GetProperty("deadline").GetString());
        Assert.True(body.GetProperty("provisional").GetBoolean());
    }

    [Theory]
    [InlineData("from=2026-02-30&workingDays=3", new[] { "from" })]
    [InlineData("from=2026-02-12&workingDays=0", new[] { "workingDays" })]
    [InlineData("from=2026-02-12&workingDays=366", new[] { "workingDays" })]
    [InlineData("from=2026-02-12&workingDays=three", new[] { "workingDays" })]
    [InlineData("from=2026-02-12T10:00:00&workingDays=3", new[] { "from" })]
    [InlineData("from=yesterday&workingDays=-2", new[] { "from", "workingDays" })]
    [InlineData("", new[] { "from", "workingDays" })]
    public async Task Bad_input_is_a_400_listing_every_invalid_field(string query, string[] fields)
    {
        var response = await client.GetAsync($"/api/calendar/deadline?{query}", TestContext.Current.CancellationToken);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(fields, problem.ErrorFields());
    }

    [Fact]
    public async Task An_unparseable_day_is_a_400()
    {
        var problem = await (await client.GetAsync("/api/calendar/days/2026-13-01", TestContext.Current.CancellationToken)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["date"], problem.ErrorFields());
    }
}
