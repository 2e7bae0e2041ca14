using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Approvals;
using Integration.Tests.Leads;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>
/// Whatever a caller sends, the answer is a 4xx problem that names the field and stays small, never a
/// 500: lone surrogates, ids the store cannot key, dates at the end of time, invisible text, huge values.
/// </summary>
[Trait("lane", "integration")]
public sealed class InputHardeningTests(InputHardeningTests.Platform platform) : IClassFixture<InputHardeningTests.Platform>
{
    public sealed class Platform : LeadPlatform;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, string> LoneSurrogates => new()
    {
        { "approval-system", "/api/approvals", """{"approvalId":"X\ud800","version":1}""", "approvalId" },
        { "approval-system", "/api/approvals", """{"approvalId":"X-1","owner":{"name":"\udc00"}}""", "owner.name" },
        { "trading-center", "/api/leads", """{"leadId":"L-1","summary":"线索\ud800"}""", "summary" },
        { "trading-center", "/api/leads", """{"leadId":"L-1","parties":[{"name":"a\udfffb"}]}""", "parties[0].name" },
        { "housing", "/api/approvals/A-1/decline", """{"reason":"\ud800"}""", "reason" },
        { "ndrc", "/api/approvals/A-1/assign", """{"department":"\ud800"}""", "department" },
        { "ndrc", "/api/leads/hardening-surrogate/route", """{"department":"\ud800"}""", "department" },
        { "housing", "/api/leads/hardening-surrogate/receipt", """{"materials":["\ud800"]}""", "materials[0]" },
        { "housing", "/api/leads/hardening-surrogate/return", """{"\ud800":"x","reason":"ok"}""", "$" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public async Task A_lone_surrogate_in_any_string_is_a_400_naming_the_field(string principal, string path, string json, string field)
    {
        platform.SetTime(LeadPlatform.Start);
        (await platform.PostAsync("trading-center", "/api/leads", LeadPlatform.Lead("hardening-surrogate"))).EnsureSuccessStatusCode();
        // Commands are refused for a record that does not exist (404) before their body is read, so the body check needs one that does.
        (await platform.PushAsync(ApprovalData.Valid("A-1"))).EnsureSuccessStatusCode();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await platform.ClientFor(principal).PostAsync(path, content, Ct);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Contains("surrogate", problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> UnkeyableIds => new() { "a%5Cb", "%01", "a%0Ab", "x%3F", "x%23", "a%2Fb", new string('a', 1100) };

    [Theory]
    [MemberData(nameof(UnkeyableIds))]
    public async Task An_id_the_store_cannot_key_is_a_404_on_every_lead_route(string id)
    {
        await AssertRefusedAsync(await platform.ClientFor("ndrc").GetAsync($"/api/leads/{id}", Ct));
        foreach (var (principal, action, body) in new[]
        {
            ("housing", "receipt", """{"materials":[]}"""),
            ("housing", "return", """{"reason":"不属于本部门职责"}"""),
            ("housing", "completion", """{"completedAt":"2026-02-13T09:00:00+08:00"}"""),
            ("housing", "result", """{"outcome":"penalty","decision":"x","completedAt":"2026-02-13T09:00:00+08:00"}"""),
            ("ndrc", "route", """{"department":"water"}"""),
        })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            await AssertRefusedAsync(await platform.ClientFor(principal).PostAsync($"/api/leads/{id}/{action}", content, Ct));
        }
    }

    [Theory]
    [MemberData(nameof(UnkeyableIds))]
    public async Task An_id_or_kind_the_store_cannot_key_is_a_404_on_the_audit_routes(string id)
    {
        var admin = platform.ClientFor("admin");
        await AssertRefusedAsync(await admin.GetAsync($"/api/audit/lead/{id}", Ct));
        await AssertRefusedAsync(await admin.GetAsync($"/api/audit/lead/{id}/verify", Ct));
        await AssertRefusedAsync(await admin.GetAsync($"/api/audit/{id}/L-1", Ct));
        await AssertRefusedAsync(await admin.GetAsync($"/api/audit/{id}/L-1/verify", Ct));
        await AssertRefusedAsync(await admin.GetAsync($"/api/approvals/{id}", Ct));
    }

    [Theory]
    [InlineData("from=9999-12-31&workingDays=365")]
    [InlineData("from=9999-12-31&workingDays=1")]
    [InlineData("from=9999-12-31T20:00:00Z&workingDays=1")]
    [InlineData("from=0001-01-01&workingDays=3")]
    public async Task A_deadline_beyond_the_calendar_range_is_a_400(string query)
    {
        var problem = await (await platform.CreateClient().GetAsync($"/api/calendar/deadline?{query}", Ct)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["from"], problem.ErrorFields());
    }

    [Fact]
    public async Task Instants_outside_the_years_the_platform_counts_in_are_a_400()
    {
        platform.SetTime(LeadPlatform.Start);
        var lead = LeadPlatform.Lead("hardening-instant", discoveredAt: "0001-01-01T00:00:00-01:00");
        var problem = await (await platform.PostAsync("trading-center", "/api/leads", lead)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["discoveredAt"], problem.ErrorFields());
    }

    public static TheoryData<string, string> InvisibleText => new()
    {
        { "summary", "\u0000" },
        { "summary", "\u202e\u200b" },
        { "summary", "\u200b\u200c\ufeff" },
        { "summary", "正常文本\u0007带响铃" },
        { "summary", "名称\u202e反转" },
        { "tenderId", "\u0000" },
        { "leadId", "L\u0000" },
    };

    [Theory]
    [MemberData(nameof(InvisibleText))]
    public async Task Text_of_control_or_invisible_characters_is_a_400(string field, string value)
    {
        platform.SetTime(LeadPlatform.Start);
        var lead = LeadPlatform.Lead($"hardening-text-{Guid.NewGuid():N}");
        lead[field] = value;
        var problem = await (await platform.PostAsync("trading-center", "/api/leads", lead)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task Names_made_only_of_invisible_characters_are_refused_in_approvals_too()
    {
        var approval = ApprovalData.Valid().With("projectName", "\u202e\u200b");
        ((JsonObject)approval["owner"]!)["name"] = "\u0000";
        var problem = await (await platform.PushAsync(approval)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["owner.name", "projectName"], problem.ErrorFields());
    }

    [Fact]
    public async Task Tabs_and_line_breaks_stay_ordinary_text()
    {
        platform.SetTime(LeadPlatform.Start);
        var lead = LeadPlatform.Lead("hardening-whitespace");
        lead["summary"] = "第一段：机器码一致。\n\t第二段：报价呈规律性差异。";
        await platform.SubmitAsync(lead);
    }

    [Fact]
    public async Task A_huge_value_is_never_echoed()
    {
        platform.SetTime(LeadPlatform.Start);
        await platform.SubmitAsync(LeadPlatform.Lead("hardening-echo"));
        var large = new string('x', 60_000);

        var one = await platform.PostAsync("housing", "/api/leads/hardening-echo/receipt", new JsonObject { ["materials"] = new JsonArray(large) });
        await AssertSmallProblemAsync(one, ["materials[0]"]);

        var many = new JsonArray();
        for (var i = 0; i < 150; i++)
        {
            many.Add(new string((char)('a' + (i % 26)), 400));
        }

        var list = await platform.PostAsync("housing", "/api/leads/hardening-echo/receipt", new JsonObject { ["materials"] = many });
        var errors = (await AssertSmallProblemAsync(list, null)).GetProperty("errors");
        Assert.Equal(101, errors.EnumerateObject().Count());
        Assert.Contains("more fields are invalid", errors.GetProperty("$")[0].GetString(), StringComparison.Ordinal);

        var approval = await platform.PushAsync(ApprovalData.Valid().With("industry", new string('x', 30_000)).With("approvalId", new string('x', 30_000)));
        await AssertSmallProblemAsync(approval, ["approvalId", "industry"]);

        // Beyond what the endpoint accepts at all, the body is refused unread: still a small problem.
        var huge = await platform.PostAsync("housing", "/api/leads/hardening-echo/receipt", new JsonObject { ["materials"] = new JsonArray(new string('x', 1024 * 1024)) });
        var length = (await huge.Content.ReadAsByteArrayAsync(Ct)).Length;
        var refused = await huge.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.True(length < 2048, $"a problem of {length:N0} bytes");
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.14", refused.GetProperty("type").GetString());

        var calendar = await platform.CreateClient().GetAsync($"/api/calendar/deadline?from={new string('9', 6000)}&workingDays=3", Ct);
        await AssertSmallProblemAsync(calendar, ["from"]);
    }

    [Fact]
    public async Task A_conflict_tells_another_submitter_nothing_about_the_lead()
    {
        using var two = new LeadPlatform();
        two.With("Leads:Submitters:0", "trading-center").With("Leads:Submitters:1", "approval-system");
        two.SetTime(LeadPlatform.Start);
        await two.SubmitAsync(LeadPlatform.Lead("hardening-taken"));

        var other = LeadPlatform.Lead("hardening-taken");
        other["summary"] = "另一条线索";
        var problem = await (await two.PostAsync("approval-system", "/api/leads", other)).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.False(problem.TryGetProperty("state", out _), problem.GetRawText());
        Assert.DoesNotContain("relayed", problem.GetRawText(), StringComparison.Ordinal);

        // The submitter itself still learns the state of its own lead.
        var own = await (await two.PostAsync("trading-center", "/api/leads", other)).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("relayed", own.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_conflict_on_an_approval_goes_only_to_a_department_it_was_routed_to()
    {
        var id = ApprovalData.NewId("H");
        await (await platform.PushAsync(ApprovalData.Valid(id))).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();

        var routed = await (await platform.PostAsync("housing", $"/api/approvals/{id}/decline", new { reason = "不属于本部门" })).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("claimed", routed.GetProperty("claim").GetProperty("status").GetString());

        var stranger = await (await platform.PostAsync("water", $"/api/approvals/{id}/decline", new { reason = "不属于本部门" })).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.DoesNotContain("claimed", stranger.GetRawText(), StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {response.RequestMessage?.RequestUri}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(text.Length < 2048, $"{text.Length} characters");
    }

    private static async Task<JsonElement> AssertSmallProblemAsync(HttpResponseMessage response, string[]? fields)
    {
        var length = (await response.Content.ReadAsByteArrayAsync(Ct)).Length;
        Assert.True(length < 32 * 1024, $"a problem of {length:N0} bytes");
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        if (fields is not null)
        {
            Assert.Equal(fields, problem.ErrorFields());
        }

        return problem;
    }

    [Theory]
    [InlineData("one long string")]
    [InlineData("many fields")]
    [InlineData("deep arrays")]
    public async Task A_caller_the_route_refuses_never_has_its_body_read(string shape)
    {
        platform.SetTime(LeadPlatform.Start);
        (await platform.PostAsync("trading-center", "/api/leads", LeadPlatform.Lead("hardening-unread"))).EnsureSuccessStatusCode();
        var body = shape switch
        {
            "one long string" => $"{{\"reason\":\"{new string('x', 2_000_000)}\"}}",
            "many fields" => "{" + string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"\"f{i}\":{i}")) + "}",
            _ => new string('[', 500_000) + new string(']', 500_000),
        };

        // Water was never relayed the lead, and only the submitter's system may submit: both are refused unread.
        using var toLead = new StringContent(body, Encoding.UTF8, "application/json");
        await (await platform.ClientFor("water").PostAsync("/api/leads/hardening-unread/return", toLead, Ct)).ReadProblemAsync(HttpStatusCode.Forbidden);
        using var toIntake = new StringContent(body, Encoding.UTF8, "application/json");
        await (await platform.ClientFor("water").PostAsync("/api/leads", toIntake, Ct)).ReadProblemAsync(HttpStatusCode.Forbidden);

        // A caller the route admits, with a body over the endpoint's limit: 413, the body not buffered.
        using var tooLarge = new StringContent(body, Encoding.UTF8, "application/json");
        await (await platform.ClientFor("housing").PostAsync("/api/leads/hardening-unread/return", tooLarge, Ct)).ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
