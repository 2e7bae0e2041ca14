using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Support;

namespace Integration.Tests.Leads;

[Trait("lane", "integration")]
public sealed class LeadIntakeTests(LeadIntakeTests.Platform platform) : IClassFixture<LeadIntakeTests.Platform>
{
    public sealed class Platform : LeadPlatform;

    [Fact]
    public async Task A_lead_is_relayed_at_once_to_the_competent_department_and_to_police()
    {
        platform.SetTime(LeadPlatform.Start);
        var lead = await platform.SubmitAsync(LeadPlatform.Lead("intake-relay"));

        Assert.Equal(["housing", "police"], Strings(lead.GetProperty("routedTo")));
        Assert.Equal("relayed", lead.GetProperty("status").GetString());
        Assert.Equal(LeadPlatform.Start, lead.GetProperty("relay").GetProperty("relayedAt").GetDateTimeOffset());
        Assert.False(lead.GetProperty("relay").GetProperty("late").GetBoolean());

        var housing = Assert.Single(await platform.MessagesAsync("leads", "housing", "intake-relay"));
        Assert.Equal("lead.relayed", housing.Subject);
        Assert.Equal("housing", housing.ApplicationProperties["department"]);
        var body = JsonDocument.Parse(housing.Body).RootElement;
        Assert.Equal("supervisor", body.GetProperty("role").GetString());
        Assert.Equal("responsibility list: housing-construction", body.GetProperty("reason").GetString());
        Assert.Equal(2, body.GetProperty("evidence").GetArrayLength());
        Assert.Equal("2026-02-24", body.GetProperty("relayDeadline").GetProperty("deadline").GetString());

        var police = Assert.Single(await platform.MessagesAsync("leads", "police", "intake-relay"));
        Assert.Equal("police", JsonDocument.Parse(police.Body).RootElement.GetProperty("role").GetString());
        Assert.Empty(await platform.MessagesAsync("leads", "water", "intake-relay"));
        Assert.Empty(await platform.MessagesAsync("leads", "ndrc", "intake-relay"));
    }

    [Fact]
    public async Task A_lead_discovered_on_12_February_2026_must_be_relayed_by_24_February()
    {
        platform.SetTime(LeadPlatform.Start);
        var lead = await platform.SubmitAsync(LeadPlatform.Lead("intake-spring-festival", "2026-02-12T09:00:00+08:00"));

        var deadline = lead.GetProperty("relayDeadline");
        Assert.Equal("2026-02-12", deadline.GetProperty("from").GetString());
        Assert.Equal(3, deadline.GetProperty("workingDays").GetInt32());
        Assert.Equal("2026-02-24", deadline.GetProperty("deadline").GetString());
        Assert.Equal("2026-02-25T00:00:00+08:00", deadline.GetProperty("dueAt").GetString());
        Assert.False(deadline.GetProperty("provisional").GetBoolean());
    }

    [Theory]
    [InlineData(1, "2026-04-30T23:30:00+08:00", "2026-04-30")]
    [InlineData(2, "2026-04-30T15:30:00Z", "2026-04-30")]
    [InlineData(3, "2026-04-30T16:30:00Z", "2026-05-01")]
    public async Task The_relay_clock_counts_from_the_day_of_discovery_in_China(int n, string discoveredAt, string from)
    {
        platform.SetTime(new DateTimeOffset(2026, 5, 6, 9, 0, 0, TimeSpan.FromHours(8)));
        var lead = await platform.SubmitAsync(LeadPlatform.Lead($"intake-may-day-{n}", discoveredAt));

        var deadline = lead.GetProperty("relayDeadline");
        Assert.Equal(from, deadline.GetProperty("from").GetString());
        Assert.Equal("2026-05-08", deadline.GetProperty("deadline").GetString());
        Assert.False(lead.GetProperty("relay").GetProperty("late").GetBoolean());
    }

    [Fact]
    public async Task A_lead_whose_relay_deadline_has_passed_is_relayed_at_once_and_recorded_late()
    {
        var arrival = new DateTimeOffset(2026, 2, 26, 10, 0, 0, TimeSpan.FromHours(8));
        platform.SetTime(arrival);
        var lead = await platform.SubmitAsync(LeadPlatform.Lead("intake-late", "2026-02-12T09:00:00+08:00"));

        var relay = lead.GetProperty("relay");
        Assert.Equal(arrival, relay.GetProperty("relayedAt").GetDateTimeOffset());
        Assert.True(relay.GetProperty("late").GetBoolean());
        Assert.Equal(2, relay.GetProperty("workingDaysLate").GetInt32());
        Assert.All(lead.GetProperty("recipients").EnumerateArray(), r => Assert.True(r.GetProperty("relay").GetProperty("late").GetBoolean()));
        Assert.Single(await platform.MessagesAsync("leads", "housing", "intake-late"));

        var entry = (await platform.GetLeadAsync("intake-late")).GetProperty("history")[0];
        Assert.Equal("lead.submitted", entry.GetProperty("action").GetString());
        Assert.True(entry.GetProperty("data").GetProperty("details").GetProperty("late").GetBoolean());
        Assert.Equal(2, entry.GetProperty("data").GetProperty("details").GetProperty("workingDaysLate").GetInt32());
    }

    [Fact]
    public async Task The_same_lead_again_answers_200_with_the_stored_lead_and_relays_nothing_more()
    {
        platform.SetTime(LeadPlatform.Start);
        var first = await platform.SubmitAsync(LeadPlatform.Lead("intake-twice"));
        platform.Time.Advance(TimeSpan.FromMinutes(5));

        var again = await platform.SubmitAsync(LeadPlatform.Lead("intake-twice"), HttpStatusCode.OK);
        var sameInstantOtherOffset = LeadPlatform.Lead("intake-twice", "2026-02-12T07:20:00Z");
        var third = await platform.SubmitAsync(sameInstantOtherOffset, HttpStatusCode.OK);

        Assert.Equal(first.GetProperty("submittedAt").GetDateTimeOffset(), again.GetProperty("submittedAt").GetDateTimeOffset());
        Assert.Equal(first.GetProperty("submittedAt").GetDateTimeOffset(), third.GetProperty("submittedAt").GetDateTimeOffset());
        Assert.Single(await platform.MessagesAsync("leads", "housing", "intake-twice"));
        Assert.Single(LeadPlatform.Actions(await platform.GetLeadAsync("intake-twice")));
    }

    [Fact]
    public async Task A_different_lead_under_a_used_id_is_a_409()
    {
        platform.SetTime(LeadPlatform.Start);
        await platform.SubmitAsync(LeadPlatform.Lead("intake-reused"));
        var changed = LeadPlatform.Lead("intake-reused");
        changed["summary"] = "另一条线索";

        var problem = await (await platform.PostAsync("trading-center", "/api/leads", changed)).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("different content", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("relayed", problem.GetProperty("state").GetString());
        Assert.Equal("三家投标人的投标文件由同一台电脑制作（机器码一致），报价呈规律性差异。",
            (await platform.GetLeadAsync("intake-reused")).GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Every_invalid_field_is_listed_and_nothing_is_stored()
    {
        platform.SetTime(LeadPlatform.Start);
        var body = new JsonObject
        {
            ["leadId"] = "bad id/1",
            ["discoveredAt"] = "2026-02-12 15:20",
            ["projectCode"] = "2026-37100-48-01-000123",
            ["tenderId"] = 42,
            ["category"] = "collusion",
            ["industry"] = "mining",
            ["summary"] = "",
            ["parties"] = new JsonArray { new JsonObject { ["name"] = "", ["creditCode"] = "91350100M000100Y4Z", ["role"] = "winner" } },
            ["evidence"] = new JsonArray { new JsonObject { ["name"] = "x", ["sha256"] = "xyz", ["uri"] = "ftp://files.example/x" } },
            ["suspectedCrime"] = "no",
            ["source"] = new JsonObject { ["channel"] = "rumour", ["email"] = "nobody", ["idNumber"] = "12" },
        };

        var problem = await (await platform.PostAsync("trading-center", "/api/leads", body)).ReadProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(
            [
                "category", "discoveredAt", "evidence[0].sha256", "evidence[0].uri", "industry", "leadId",
                "parties[0].creditCode", "parties[0].name", "parties[0].role", "projectCode",
                "source.channel", "source.email", "source.idNumber", "summary", "suspectedCrime", "tenderId",
            ],
            problem.ErrorFields());
        Assert.Contains("should be '3'", problem.GetProperty("errors").GetProperty("parties[0].creditCode")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_fields_empty_catalogues_repeated_materials_and_future_discoveries_are_each_listed()
    {
        platform.SetTime(LeadPlatform.Start);
        var empty = await (await platform.PostAsync("trading-center", "/api/leads", new JsonObject())).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["category", "discoveredAt", "evidence", "leadId", "parties", "projectCode", "summary", "suspectedCrime"], empty.ErrorFields());

        var lead = LeadPlatform.Lead("intake-invalid", "2026-02-14T09:00:00+08:00");
        lead["parties"] = new JsonArray();
        lead["evidence"]!.AsArray().Add(new JsonObject { ["name"] = "again", ["sha256"] = LeadPlatform.Sha(1).ToUpperInvariant(), ["uri"] = "https://ggzy.weihai.example/3" });
        var problem = await (await platform.PostAsync("trading-center", "/api/leads", lead)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["discoveredAt", "evidence[2].sha256", "parties"], problem.ErrorFields());

        Assert.Equal(HttpStatusCode.NotFound, (await platform.ClientFor("ndrc").GetAsync("/api/leads/intake-invalid", LeadPlatform.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task A_lead_too_large_for_one_record_is_a_400()
    {
        platform.SetTime(LeadPlatform.Start);
        var lead = LeadPlatform.Lead("intake-huge");
        var evidence = new JsonArray();
        for (var i = 0; i < 120; i++)
        {
            evidence.Add(new JsonObject { ["name"] = new string('证', 40), ["sha256"] = i.ToString("x64", CultureInfo.InvariantCulture), ["uri"] = $"https://ggzy.weihai.example/evidence/{i}.pdf" });
        }

        lead["evidence"] = evidence;
        var problem = await (await platform.PostAsync("trading-center", "/api/leads", lead)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["$"], problem.ErrorFields());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400()
    {
        using var content = new StringContent("{\"leadId\": ", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        var response = await platform.ClientFor("trading-center").PostAsync("/api/leads", content, LeadPlatform.Cancellation);
        Assert.Equal(["$"], (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Theory]
    [InlineData("housing")]
    [InlineData("police")]
    [InlineData("ndrc")]
    [InlineData("approval-system")]
    [InlineData("admin")]
    public async Task Only_the_trading_centre_submits_leads(string principal)
    {
        var problem = await (await platform.PostAsync(principal, "/api/leads", LeadPlatform.Lead($"intake-by-{principal}"))).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(principal, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_without_credentials_is_a_401()
    {
        var response = await platform.CreateClient().PostAsJsonAsync("/api/leads", LeadPlatform.Lead("intake-anonymous"), LeadPlatform.Cancellation);
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_project_whose_approval_was_claimed_goes_to_the_claiming_department_before_the_list()
    {
        platform.SetTime(LeadPlatform.Start);
        platform.Claims["2026-371082-48-01-000777"] = ["water"];
        var body = LeadPlatform.Lead("intake-claimed");
        body["projectCode"] = "2026-371082-48-01-000777";
        body["category"] = "illegal-subcontracting";

        var lead = await platform.SubmitAsync(body);

        Assert.Equal(["water"], Strings(lead.GetProperty("routedTo")));
        Assert.Equal("claimed the approval of project 2026-371082-48-01-000777", lead.GetProperty("recipients")[0].GetProperty("reason").GetString());
        Assert.Single(await platform.MessagesAsync("leads", "water", "intake-claimed"));
        Assert.Empty(await platform.MessagesAsync("leads", "housing", "intake-claimed"));
    }

    [Theory]
    [InlineData("fraud", false, new[] { "housing", "police" })]
    [InlineData("bid-rigging", false, new[] { "housing", "police" })]
    [InlineData("other", true, new[] { "housing", "police" })]
    [InlineData("evading-tender", false, new[] { "housing" })]
    [InlineData("illegal-subcontracting", false, new[] { "housing" })]
    public async Task Bid_rigging_fraud_and_suspected_crimes_also_go_to_police(string category, bool suspectedCrime, string[] routedTo)
    {
        platform.SetTime(LeadPlatform.Start);
        var body = LeadPlatform.Lead($"intake-police-{category}-{suspectedCrime}");
        body["category"] = category;
        body["suspectedCrime"] = suspectedCrime;
        var lead = await platform.SubmitAsync(body);
        Assert.Equal(routedTo, Strings(lead.GetProperty("routedTo")));
    }

    [Theory]
    [InlineData("none", null)]
    [InlineData("energy", "energy")]
    public async Task Without_a_claim_or_a_responsibility_line_the_coordinator_routes_the_lead(string n, string? industry)
    {
        platform.SetTime(LeadPlatform.Start);
        var body = LeadPlatform.Lead($"intake-unrouted-{n}");
        body["industry"] = industry;
        body["category"] = "evading-tender";

        var lead = await platform.SubmitAsync(body);

        Assert.Equal("awaiting-route", lead.GetProperty("status").GetString());
        Assert.Equal(["ndrc"], Strings(lead.GetProperty("routedTo")));
        Assert.Equal(0, lead.GetProperty("recipients").GetArrayLength());
        Assert.Equal("2026-02-24", lead.GetProperty("assignment").GetProperty("relayDeadline").GetProperty("deadline").GetString());
        var relayed = Assert.Single(await platform.MessagesAsync("leads", "ndrc", $"intake-unrouted-{n}"));
        Assert.True(JsonDocument.Parse(relayed.Body).RootElement.GetProperty("toRoute").GetBoolean());
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
