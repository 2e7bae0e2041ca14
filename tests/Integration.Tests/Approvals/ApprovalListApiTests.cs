using System.Net;
using System.Text.Json;
using Integration.Tests.Support;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Approvals;

/// <summary>Listings and the detail view, on a platform of their own so the counts are exact.</summary>
[Trait("lane", "integration")]
public sealed class ApprovalListApiTests(ApprovalListApiTests.Platform platform) : IClassFixture<ApprovalListApiTests.Platform>, IAsyncLifetime
{
    private static readonly string[] Housing = [NewId("H"), NewId("H"), NewId("H")];
    private static readonly string Shared = NewId("S");
    private static readonly string Water = NewId("W");
    private static readonly string Declined = NewId("D");

    public sealed class Platform : PlatformFactory
    {
        public bool Seeded { get; set; }
    }

    public async ValueTask InitializeAsync()
    {
        if (platform.Seeded)
        {
            return;
        }

        platform.Seeded = true;
        foreach (var id in Housing)
        {
            await (await platform.PushAsync(Valid(id))).ReadJsonAsync(HttpStatusCode.Created);
        }

        await (await platform.PushAsync(Valid(Shared, scope: ["construction", "equipment"]))).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PushAsync(Valid(Water, industry: "water"))).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PushAsync(Valid(Declined, industry: "transport"))).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PostAsync("housing", $"/api/approvals/{Housing[0]}/claim")).ReadJsonAsync();
        await (await platform.PostAsync("industry", $"/api/approvals/{Shared}/claim")).ReadJsonAsync();
        await (await platform.PostAsync("transport", $"/api/approvals/{Declined}/decline", new { reason = "属于港口工程以外的项目" })).ReadJsonAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<string[]> IdsAsync(string principal, string query = "")
    {
        var body = await platform.GetJsonAsync(principal, "/api/approvals" + query);
        return body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("approvalId").GetString()!).ToArray();
    }

    [Fact]
    public async Task A_department_sees_only_what_was_routed_to_it_newest_first()
    {
        Assert.Equal([Shared, Housing[2], Housing[1], Housing[0]], await IdsAsync("housing"));
        Assert.Equal([Shared], await IdsAsync("industry"));
        Assert.Equal([Water], await IdsAsync("water"));
        Assert.Empty(await IdsAsync("forestry"));
    }

    [Fact]
    public async Task A_department_filters_its_own_by_status()
    {
        Assert.Equal([Housing[0]], await IdsAsync("housing", "?status=claimed"));
        Assert.Equal([Shared, Housing[2], Housing[1]], await IdsAsync("housing", "?status=pending"));
        Assert.Empty(await IdsAsync("housing", "?status=overdue"));
        Assert.Equal([Shared], await IdsAsync("industry", "?status=claimed&department=industry"));
        Assert.Equal([Declined], await IdsAsync("transport", "?status=declined"));
    }

    [Fact]
    public async Task The_coordinator_and_admin_see_everything_and_may_narrow_to_a_department()
    {
        string[] all = [Declined, Water, Shared, Housing[2], Housing[1], Housing[0]];
        Assert.Equal(all, await IdsAsync("ndrc"));
        Assert.Equal(all, await IdsAsync("admin"));
        Assert.Equal([Shared], await IdsAsync("ndrc", "?department=industry"));
        Assert.Equal([Declined], await IdsAsync("ndrc", "?status=declined"));
        Assert.Equal([Housing[0]], await IdsAsync("ndrc", "?status=claimed"));
        Assert.Equal([Water, Shared, Housing[2], Housing[1]], await IdsAsync("admin", "?status=pending"));
    }

    [Fact]
    public async Task Each_item_carries_its_status_claim_deadline_and_parts()
    {
        var body = await platform.GetJsonAsync("housing", "/api/approvals?status=pending&pageSize=1");
        var item = Assert.Single(body.GetProperty("items").EnumerateArray());
        Assert.Equal(Shared, item.GetProperty("approvalId").GetString());
        Assert.Equal("pending", item.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, item.GetProperty("claimDeadline").GetProperty("deadline").ValueKind);
        Assert.Equal(
            ["housing:pending", "industry:claimed"],
            item.GetProperty("claims").EnumerateArray().Select(c => $"{c.GetProperty("department").GetString()}:{c.GetProperty("status").GetString()}").ToArray());
    }

    [Fact]
    public async Task Pages_follow_the_next_page_token_to_the_end()
    {
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = "/api/approvals?pageSize=2" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token));
            var body = await platform.GetJsonAsync("ndrc", query);
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("approvalId").GetString()!));
            token = body.GetProperty("nextPageToken").GetString();
            pages++;
        }
        while (token is not null);

        Assert.Equal([Declined, Water, Shared, Housing[2], Housing[1], Housing[0]], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task A_department_may_not_list_another_departments_approvals() =>
        await (await platform.ClientFor("water").GetAsync("/api/approvals?department=housing", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);

    [Fact]
    public async Task A_system_other_than_the_source_has_nothing_to_list() =>
        await (await platform.ClientFor("trading-center").GetAsync("/api/approvals", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);

    [Fact]
    public async Task Listing_without_credentials_is_unauthorized() =>
        await (await platform.CreateClient().GetAsync("/api/approvals", Cancellation)).ReadProblemAsync(HttpStatusCode.Unauthorized);

    [Fact]
    public async Task Every_invalid_query_parameter_is_listed()
    {
        var problem = await (await platform.ClientFor("ndrc").GetAsync("/api/approvals?status=lost&department=mint&pageSize=0", Cancellation))
            .ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["department", "pageSize", "status"], problem.ErrorFields());

        var token = await (await platform.ClientFor("ndrc").GetAsync("/api/approvals?pageToken=not-a-token", Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["pageToken"], token.ErrorFields());
    }

    [Fact]
    public async Task The_detail_shows_versions_routing_claims_deadlines_and_history()
    {
        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{Shared}");

        Assert.Equal(Shared, detail.GetProperty("approvalId").GetString());
        Assert.Equal("pending", detail.GetProperty("status").GetString());
        Assert.Equal(1, detail.GetProperty("versions").GetArrayLength());
        Assert.Equal("push", detail.GetProperty("versions")[0].GetProperty("via").GetString());
        Assert.Equal(["housing", "industry"], detail.GetProperty("routing").EnumerateArray().Select(r => r.GetProperty("department").GetString()!).ToArray());
        Assert.Equal("威海市住房和城乡建设局", detail.GetProperty("routing")[0].GetProperty("displayName").GetString());
        Assert.Equal(detail.GetProperty("claims")[0].GetProperty("claimDeadline").GetRawText(), detail.GetProperty("claimDeadline").GetRawText());
        var deadlines = detail.GetProperty("deadlines").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("status").GetString());
        Assert.Equal("active", deadlines["claim:housing"]);
        Assert.Equal("active", deadlines["claim-reminder:housing"]);
        Assert.Equal("cancelled", deadlines["claim:industry"]);
        Assert.Equal(["approval.received", "approval.claimed"], detail.HistoryActions());
        Assert.Equal("approval-system", detail.GetProperty("history")[0].GetProperty("principal").GetString());
        Assert.Equal("industry", detail.GetProperty("history")[1].GetProperty("principal").GetString());
    }

    [Fact]
    public async Task The_detail_is_for_routed_departments_the_coordinator_admin_and_the_source()
    {
        await (await platform.ClientFor("water").GetAsync($"/api/approvals/{Shared}", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.ClientFor("trading-center").GetAsync($"/api/approvals/{Shared}", Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await platform.GetJsonAsync("ndrc", $"/api/approvals/{Shared}");
        await platform.GetJsonAsync("admin", $"/api/approvals/{Shared}");
        await platform.GetJsonAsync("approval-system", $"/api/approvals/{Shared}");
        await (await platform.ClientFor("ndrc").GetAsync("/api/approvals/NOPE-1", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_audit_chain_of_an_approval_verifies()
    {
        var verify = await platform.GetJsonAsync("ndrc", $"/api/audit/approval/{Shared}/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(2, verify.GetProperty("entries").GetInt32());
    }
}
