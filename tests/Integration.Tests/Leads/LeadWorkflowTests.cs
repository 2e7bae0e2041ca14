using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Support;

namespace Integration.Tests.Leads;

/// <summary>Receipt, return, routing and result through the HTTP pipeline, with who may do each and when.</summary>
[Trait("lane", "integration")]
public sealed class LeadWorkflowTests(LeadWorkflowTests.Platform platform) : IClassFixture<LeadWorkflowTests.Platform>
{
    public sealed class Platform : LeadPlatform;

    private static readonly DateTimeOffset Tuesday24 = new(2026, 2, 24, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_receipt_lists_the_materials_records_what_is_missing_and_goes_back_to_the_trading_centre()
    {
        await SubmitAsync("flow-receipt");
        var lead = await platform.ActAsync("housing", "flow-receipt", "receipt", Receipt(LeadPlatform.Sha(1)));

        var housing = Part(lead, "housing");
        Assert.Equal("received", housing.GetProperty("status").GetString());
        Assert.Equal("relayed", Part(lead, "police").GetProperty("status").GetString());
        Assert.Equal("relayed", lead.GetProperty("status").GetString());
        var receipt = housing.GetProperty("receipt");
        Assert.Equal("housing", receipt.GetProperty("signedBy").GetString());
        Assert.Equal(LeadPlatform.Sha(1), Assert.Single(receipt.GetProperty("materials").EnumerateArray()).GetProperty("sha256").GetString());
        Assert.Equal(LeadPlatform.Sha(2), Assert.Single(receipt.GetProperty("missing").EnumerateArray()).GetProperty("sha256").GetString());
        // Signed on Friday 13 February: 14 February is a working Saturday, then the Spring Festival.
        Assert.Equal("2026-02-25", housing.GetProperty("returnDeadline").GetProperty("deadline").GetString());

        var message = Assert.Single(await platform.MessagesAsync("lead-feedback", "trading-center", "flow-receipt"));
        Assert.Equal("lead.receipt", message.Subject);
        Assert.Equal("trading-center", message.ApplicationProperties["department"]);
        Assert.Equal(LeadPlatform.Sha(2), JsonDocument.Parse(message.Body).RootElement.GetProperty("missing")[0].GetProperty("sha256").GetString());
    }

    [Theory]
    [InlineData("water")]
    [InlineData("trading-center")]
    [InlineData("ndrc")]
    [InlineData("admin")]
    public async Task Only_a_recipient_signs_returns_completes_or_reports(string principal)
    {
        await SubmitAsync($"flow-forbidden-{principal}");
        foreach (var (action, body) in new[] { ("receipt", Receipt(LeadPlatform.Sha(1))), ("return", Reason()), ("completion", Completion("2026-02-13T09:00:00+08:00")), ("result", Result()) })
        {
            await platform.ActAsync(principal, $"flow-forbidden-{principal}", action, body, HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task A_receipt_in_the_wrong_state_is_a_409_naming_the_state_and_bad_materials_are_listed()
    {
        await SubmitAsync("flow-receipt-rules");
        var invalid = await platform.ActAsync("housing", "flow-receipt-rules", "receipt", new JsonObject { ["materials"] = new JsonArray(LeadPlatform.Sha(5), "not-a-hash", LeadPlatform.Sha(5)) }, HttpStatusCode.BadRequest);
        Assert.Equal(["materials[1]", "materials[2]"], invalid.ErrorFields());
        var unknown = await platform.ActAsync("housing", "flow-receipt-rules", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(5)), HttpStatusCode.BadRequest);
        Assert.Equal(["materials[1]"], unknown.ErrorFields());
        Assert.Equal(["materials"], (await platform.ActAsync("housing", "flow-receipt-rules", "receipt", new JsonObject(), HttpStatusCode.BadRequest)).ErrorFields());

        await platform.ActAsync("housing", "flow-receipt-rules", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(2)));
        var again = await platform.ActAsync("housing", "flow-receipt-rules", "receipt", Receipt(LeadPlatform.Sha(1)), HttpStatusCode.Conflict);
        Assert.Equal("received", again.GetProperty("state").GetString());
        Assert.Contains("'received'", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_return_needs_a_receipt_and_a_reason_and_sends_the_lead_back_to_the_coordinator()
    {
        await SubmitAsync("flow-return");
        var early = await platform.ActAsync("housing", "flow-return", "return", Reason(), HttpStatusCode.Conflict);
        Assert.Equal("relayed", early.GetProperty("state").GetString());
        await platform.ActAsync("housing", "flow-return", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(2)));
        Assert.Equal(["reason"], (await platform.ActAsync("housing", "flow-return", "return", new JsonObject { ["reason"] = " " }, HttpStatusCode.BadRequest)).ErrorFields());

        platform.SetTime(Tuesday24);
        var lead = await platform.ActAsync("housing", "flow-return", "return", Reason("该项目属水利工程，不属本部门监管"));

        var housing = Part(lead, "housing");
        Assert.Equal("returned", housing.GetProperty("status").GetString());
        Assert.False(housing.GetProperty("return").GetProperty("lateness").GetProperty("late").GetBoolean());
        Assert.Equal("awaiting-route", lead.GetProperty("status").GetString());
        Assert.Equal("2026-02-27", lead.GetProperty("assignment").GetProperty("relayDeadline").GetProperty("deadline").GetString());
        var toCoordinator = Assert.Single(await platform.MessagesAsync("leads", "ndrc", "flow-return"));
        Assert.Equal("lead.returned", toCoordinator.Subject);
        Assert.True(JsonDocument.Parse(toCoordinator.Body).RootElement.GetProperty("toRoute").GetBoolean());
        Assert.Equal("lead.returned", Assert.Single(await platform.MessagesAsync("lead-feedback", "trading-center", "flow-return"), m => m.Subject == "lead.returned").Subject);

        var routed = await platform.ActAsync("ndrc", "flow-return", "route", new JsonObject { ["department"] = "water", ["reason"] = "水利工程" });
        Assert.Equal("relayed", routed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, routed.GetProperty("assignment").ValueKind);
        Assert.False(Part(routed, "water").GetProperty("relay").GetProperty("late").GetBoolean());
        Assert.Single(await platform.MessagesAsync("leads", "water", "flow-return"));
        var closed = await platform.ActAsync("housing", "flow-return", "receipt", Receipt(LeadPlatform.Sha(1)), HttpStatusCode.Conflict);
        Assert.Equal("returned", closed.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_return_after_three_working_days_from_the_receipt_is_recorded_late()
    {
        await SubmitAsync("flow-late-return");
        await platform.ActAsync("housing", "flow-late-return", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(2)));
        platform.SetTime(new DateTimeOffset(2026, 2, 27, 16, 0, 0, TimeSpan.FromHours(8)));

        var lead = await platform.ActAsync("housing", "flow-late-return", "return", Reason());

        var lateness = Part(lead, "housing").GetProperty("return").GetProperty("lateness");
        Assert.True(lateness.GetProperty("late").GetBoolean());
        Assert.Equal(2, lateness.GetProperty("workingDaysLate").GetInt32());
    }

    [Fact]
    public async Task Only_the_coordinator_routes_and_never_to_a_department_already_holding_the_lead()
    {
        await SubmitAsync("flow-route");
        await platform.ActAsync("housing", "flow-route", "route", new JsonObject { ["department"] = "water" }, HttpStatusCode.Forbidden);
        await platform.ActAsync("admin", "flow-route", "route", new JsonObject { ["department"] = "water" }, HttpStatusCode.Forbidden);
        var holding = await platform.ActAsync("ndrc", "flow-route", "route", new JsonObject { ["department"] = "police" }, HttpStatusCode.Conflict);
        Assert.Equal("relayed", holding.GetProperty("state").GetString());
        Assert.Equal(["department"], (await platform.ActAsync("ndrc", "flow-route", "route", new JsonObject { ["department"] = "trading-center" }, HttpStatusCode.BadRequest)).ErrorFields());

        var added = await platform.ActAsync("ndrc", "flow-route", "route", new JsonObject { ["department"] = "market" });
        Assert.Equal("routed by ndrc", Part(added, "market").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_result_feeds_back_to_the_trading_centre_and_closes_the_part()
    {
        await SubmitAsync("flow-result");
        var early = await platform.ActAsync("police", "flow-result", "result", Result(), HttpStatusCode.Conflict);
        Assert.Equal("relayed", early.GetProperty("state").GetString());
        await platform.ActAsync("police", "flow-result", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(2)));
        var invalid = await platform.ActAsync("police", "flow-result", "result", new JsonObject { ["outcome"] = "fine", ["completedAt"] = "2026-03-01T09:00:00+08:00" }, HttpStatusCode.BadRequest);
        Assert.Equal(["completedAt", "decision", "outcome"], invalid.ErrorFields());
        var undated = await platform.ActAsync("police", "flow-result", "result", new JsonObject { ["outcome"] = "criminal-case", ["decision"] = "立案侦查" }, HttpStatusCode.BadRequest);
        Assert.Equal(["completedAt"], undated.ErrorFields());

        platform.Time.Advance(TimeSpan.FromHours(2));
        var lead = await platform.ActAsync("police", "flow-result", "result", Result("criminal-case", "2026-02-13T11:00:00+08:00"));

        var police = Part(lead, "police");
        Assert.Equal("fed-back", police.GetProperty("status").GetString());
        Assert.Equal("criminal-case", police.GetProperty("result").GetProperty("outcome").GetString());
        Assert.False(police.GetProperty("result").GetProperty("lateness").GetProperty("late").GetBoolean());
        Assert.Equal("relayed", lead.GetProperty("status").GetString());

        var feedback = Assert.Single(await platform.MessagesAsync("lead-feedback", "trading-center", "flow-result"), m => m.Subject == "lead.feedback");
        var body = JsonDocument.Parse(feedback.Body).RootElement;
        Assert.Equal("police", body.GetProperty("department").GetString());
        Assert.Equal("criminal-case", body.GetProperty("outcome").GetString());
        Assert.Equal("2026-02-25", body.GetProperty("feedbackDeadline").GetProperty("deadline").GetString());

        var again = await platform.ActAsync("police", "flow-result", "result", Result(), HttpStatusCode.Conflict);
        Assert.Equal("fed-back", again.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Police_and_the_department_each_keep_their_own_part_and_the_lead_closes_when_both_are_done()
    {
        await SubmitAsync("flow-parts");
        await platform.ActAsync("police", "flow-parts", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(2)));
        await platform.ActAsync("housing", "flow-parts", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(2)));

        var afterPolice = await platform.ActAsync("police", "flow-parts", "return", Reason("未达刑事立案标准，由行业主管部门处理"));
        Assert.Equal("received", afterPolice.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, afterPolice.GetProperty("assignment").ValueKind);
        Assert.False(JsonDocument.Parse(Assert.Single(await platform.MessagesAsync("leads", "ndrc", "flow-parts")).Body).RootElement.GetProperty("toRoute").GetBoolean());

        await platform.ActAsync("housing", "flow-parts", "completion", Completion("2026-02-13T10:00:00+08:00"));
        var closed = await platform.ActAsync("housing", "flow-parts", "result", new JsonObject { ["outcome"] = "penalty", ["decision"] = "威住建罚〔2026〕12号" });

        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal("2026-02-13T10:00:00+08:00", Part(closed, "housing").GetProperty("result").GetProperty("completedAt").GetString());
    }

    [Fact]
    public async Task Handling_reported_complete_fixes_completedAt_and_cannot_be_reported_twice()
    {
        await SubmitAsync("flow-completion");
        await platform.ActAsync("housing", "flow-completion", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(2)));
        Assert.Equal(["completedAt"], (await platform.ActAsync("housing", "flow-completion", "completion", Completion("2026-03-13T10:00:00+08:00"), HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["completedAt"], (await platform.ActAsync("housing", "flow-completion", "completion", Completion("2026-02-01T10:00:00+08:00"), HttpStatusCode.BadRequest)).ErrorFields());

        var handled = await platform.ActAsync("housing", "flow-completion", "completion", Completion("2026-02-13T10:00:00+08:00"));
        Assert.Equal("handled", Part(handled, "housing").GetProperty("status").GetString());
        Assert.Equal("2026-02-25", Part(handled, "housing").GetProperty("feedbackDeadline").GetProperty("deadline").GetString());
        var twice = await platform.ActAsync("housing", "flow-completion", "completion", Completion("2026-02-13T10:00:00+08:00"), HttpStatusCode.Conflict);
        Assert.Equal("handled", twice.GetProperty("state").GetString());
        Assert.Equal(["completedAt"], (await platform.ActAsync("housing", "flow-completion", "result", Result("penalty", "2026-02-13T09:00:00+08:00"), HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task A_result_fed_back_more_than_three_working_days_after_handling_ended_is_recorded_late()
    {
        await SubmitAsync("flow-late-feedback");
        await platform.ActAsync("housing", "flow-late-feedback", "receipt", Receipt(LeadPlatform.Sha(1), LeadPlatform.Sha(2)));
        platform.SetTime(new DateTimeOffset(2026, 2, 27, 10, 0, 0, TimeSpan.FromHours(8)));

        var lead = await platform.ActAsync("housing", "flow-late-feedback", "result", Result("no-violation", "2026-02-13T16:00:00+08:00"));

        var lateness = Part(lead, "housing").GetProperty("result").GetProperty("lateness");
        Assert.True(lateness.GetProperty("late").GetBoolean());
        Assert.Equal(2, lateness.GetProperty("workingDaysLate").GetInt32());
        var feedback = Assert.Single(await platform.MessagesAsync("lead-feedback", "trading-center", "flow-late-feedback"), m => m.Subject == "lead.feedback");
        Assert.True(JsonDocument.Parse(feedback.Body).RootElement.GetProperty("lateness").GetProperty("late").GetBoolean());
    }

    [Fact]
    public async Task Each_principal_sees_only_its_leads_and_only_the_coordinator_and_operator_see_the_source()
    {
        await SubmitAsync("flow-visibility");

        foreach (var principal in new[] { "ndrc", "admin" })
        {
            var source = (await platform.GetLeadAsync("flow-visibility", principal)).GetProperty("source");
            Assert.False(source.GetProperty("withheld").GetBoolean());
            Assert.Equal(Whistleblower.Name, source.GetProperty("name").GetString());
            Assert.Equal(Whistleblower.Phone, source.GetProperty("phone").GetString());
        }

        foreach (var principal in new[] { "trading-center", "housing", "police" })
        {
            var lead = await platform.GetLeadAsync("flow-visibility", principal);
            var source = lead.GetProperty("source");
            Assert.True(source.GetProperty("withheld").GetBoolean());
            Assert.Equal("whistle-blower", source.GetProperty("channel").GetString());
            Assert.DoesNotContain(Whistleblower.Name, lead.GetRawText(), StringComparison.Ordinal);
        }

        foreach (var principal in new[] { "water", "approval-system" })
        {
            await (await platform.ClientFor(principal).GetAsync("/api/leads/flow-visibility", LeadPlatform.Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        }

        await (await platform.ClientFor("ndrc").GetAsync("/api/leads/no-such-lead", LeadPlatform.Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        await platform.ActAsync("housing", "no-such-lead", "receipt", Receipt(LeadPlatform.Sha(1)), HttpStatusCode.NotFound);
    }

    private async Task SubmitAsync(string leadId)
    {
        platform.SetTime(LeadPlatform.Start);
        await platform.SubmitAsync(LeadPlatform.Lead(leadId));
    }

    private static JsonElement Part(JsonElement lead, string department) =>
        lead.GetProperty("recipients").EnumerateArray().Last(r => r.GetProperty("department").GetString() == department);

    private static JsonObject Receipt(params string[] materials) => new() { ["materials"] = new JsonArray(materials.Select(m => (JsonNode)m).ToArray()) };

    private static JsonObject Reason(string reason = "不属本部门职责范围") => new() { ["reason"] = reason };

    private static JsonObject Completion(string completedAt) => new() { ["completedAt"] = completedAt };

    private static JsonObject Result(string outcome = "penalty", string completedAt = "2026-02-13T11:00:00+08:00") =>
        new() { ["outcome"] = outcome, ["decision"] = "威住建罚〔2026〕7号：罚款并记入不良行为记录", ["completedAt"] = completedAt };
}
