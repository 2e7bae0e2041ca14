using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Functions.Approvals;
using Integration.Tests.Support;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Approvals;

[Trait("lane", "integration")]
public sealed class ApprovalPushApiTests(ApprovalPushApiTests.Platform platform) : IClassFixture<ApprovalPushApiTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    [Fact]
    public async Task A_push_by_the_approval_system_is_stored_and_routed_by_the_responsibility_list()
    {
        var id = NewId();
        var response = await platform.PushAsync(Valid(id));

        var body = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/approvals/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("created", body.GetProperty("outcome").GetString());
        Assert.Equal("pending", body.GetProperty("status").GetString());
        var claim = Assert.Single(body.GetProperty("claims").EnumerateArray());
        Assert.Equal("housing", claim.GetProperty("department").GetString());

        var pushed = Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id));
        Assert.Equal(ApprovalMessages.Pushed, pushed.Subject);
        Assert.Equal("housing", pushed.ApplicationProperties["department"]);
        Assert.Equal(id, pushed.Body().GetProperty("approvalId").GetString());
        Assert.Empty(await platform.TakeAsync(ApprovalMessages.Approvals, "transport", id));
        Assert.Equal(ApprovalMessages.Routed, Assert.Single(await platform.TakeAsync(ApprovalMessages.Feedback, ApprovalMessages.FeedbackSubscription, id)).Subject);
    }

    [Fact]
    public async Task Equipment_in_a_housing_project_is_routed_to_housing_and_industry_each_with_its_own_message()
    {
        var id = NewId();
        var body = await (await platform.PushAsync(Valid(id, scope: ["construction", "equipment"]))).ReadJsonAsync(HttpStatusCode.Created);

        Assert.Equal(["housing", "industry"], body.GetProperty("claims").EnumerateArray().Select(c => c.GetProperty("department").GetString()!).ToArray());
        Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id));
        Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "industry", id));
    }

    [Fact]
    public async Task An_industry_without_a_responsibility_line_goes_to_the_coordinator()
    {
        var id = NewId();
        var body = await (await platform.PushAsync(Valid(id, industry: "energy"))).ReadJsonAsync(HttpStatusCode.Created);

        Assert.Equal("ndrc", Assert.Single(body.GetProperty("claims").EnumerateArray()).GetProperty("department").GetString());
        var detail = await platform.GetJsonAsync("ndrc", $"/api/approvals/{id}");
        Assert.Contains("coordinator", detail.GetProperty("routing")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "ndrc", id));
    }

    [Fact]
    public async Task An_industry_not_in_the_catalogue_is_stored_flagged_and_routed_to_the_coordinator()
    {
        var id = NewId("U");
        var body = await (await platform.PushAsync(Valid(id, industry: "civil-aviation"))).ReadJsonAsync(HttpStatusCode.Created);

        Assert.Equal("ndrc", Assert.Single(body.GetProperty("claims").EnumerateArray()).GetProperty("department").GetString());
        var detail = await platform.GetJsonAsync("ndrc", $"/api/approvals/{id}");
        Assert.False(detail.GetProperty("industryKnown").GetBoolean());
        Assert.Contains("not in the municipality's industry catalogue", detail.GetProperty("routing")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var listed = (await platform.GetJsonAsync("ndrc", "/api/approvals?department=ndrc&pageSize=200")).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("approvalId").GetString() == id);
        Assert.False(listed.GetProperty("industryKnown").GetBoolean());
        Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "ndrc", id));

        // The coordinator assigns it like any other.
        await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/assign", new { department = "transport" })).ReadJsonAsync();
        var known = NewId("K");
        await (await platform.PushAsync(Valid(known))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.True((await platform.GetJsonAsync("housing", $"/api/approvals/{known}")).GetProperty("industryKnown").GetBoolean());
    }

    [Fact]
    public async Task An_exempt_project_is_accepted()
    {
        var id = NewId();
        await (await platform.PushAsync(Exempt(id))).ReadJsonAsync(HttpStatusCode.Created);
        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal("exempt", detail.GetProperty("current").GetProperty("tendering").GetProperty("method").GetString());
    }

    [Theory]
    [InlineData("trading-center")]
    [InlineData("housing")]
    [InlineData("admin")]
    public async Task Only_the_approval_system_may_push(string principal)
    {
        var id = NewId();
        await (await platform.PushAsync(Valid(id), principal)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.ClientFor("admin").GetAsync($"/api/approvals/{id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_push_without_credentials_is_unauthorized() =>
        await (await platform.CreateClient().PostAsync("/api/approvals", new StringContent("{}", Encoding.UTF8, "application/json"), Cancellation))
            .ReadProblemAsync(HttpStatusCode.Unauthorized);

    [Fact]
    public async Task An_invalid_push_lists_every_invalid_field_and_stores_nothing()
    {
        var id = NewId();
        var approval = Valid(id)
            .With("version", -3)
            .With("projectCode", "2026-3710-48-01-583921")
            .With("regionCode", "421002")
            .With("industry", "")
            .With("approvalKind", "licence")
            .With("approvedAt", "yesterday")
            .With("investment", "a lot");
        approval["owner"]!["creditCode"] = "91350100M000100Y4Z";
        approval["tendering"] = new JsonObject { ["scope"] = new JsonArray("survey", "catering"), ["method"] = "exempt" };
        approval.Remove("authority");

        var problem = await (await platform.PushAsync(approval)).ReadProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(
            ["approvalKind", "approvedAt", "authority", "industry", "investment", "owner.creditCode", "projectCode", "regionCode",
             "tendering.exemptReason", "tendering.scope[1]", "version"],
            problem.ErrorFields());
        await (await platform.ClientFor("admin").GetAsync($"/api/approvals/{id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_that_is_not_json_or_empty_is_a_400_naming_the_problem()
    {
        var client = platform.ClientFor("approval-system");
        using var broken = new StringContent("{\"approvalId\": ", Encoding.UTF8, "application/json");
        Assert.Equal(["$"], (await (await client.PostAsync("/api/approvals", broken, Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var empty = new StringContent("", Encoding.UTF8);
        empty.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Contains("approvalId", (await (await client.PostAsync("/api/approvals", empty, Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task The_same_version_pushed_again_is_stored_once()
    {
        var id = NewId();
        await (await platform.PushAsync(Valid(id))).ReadJsonAsync(HttpStatusCode.Created);
        for (var i = 0; i < 3; i++)
        {
            var again = await (await platform.PushAsync(Valid(id))).ReadJsonAsync();
            Assert.Equal("duplicate", again.GetProperty("outcome").GetString());
        }

        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal(["approval.received"], detail.HistoryActions());
        Assert.Single(detail.GetProperty("versions").EnumerateArray());
        Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id));
    }

    [Fact]
    public async Task The_same_version_with_different_content_is_a_conflict()
    {
        var id = NewId();
        await (await platform.PushAsync(Valid(id))).ReadJsonAsync(HttpStatusCode.Created);
        var problem = await (await platform.PushAsync(Valid(id).With("investment", 1))).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal(486_000_000m, detail.GetProperty("current").GetProperty("investment").GetDecimal());
    }

    [Fact]
    public async Task An_older_version_never_overwrites_a_newer_one()
    {
        var id = NewId();
        await (await platform.PushAsync(Valid(id, version: 3).With("projectName", "第三版"))).ReadJsonAsync(HttpStatusCode.Created);

        var stale = await (await platform.PushAsync(Valid(id, version: 2).With("projectName", "第二版"))).ReadJsonAsync();

        Assert.Equal("stale", stale.GetProperty("outcome").GetString());
        Assert.Equal(3, stale.GetProperty("currentVersion").GetInt64());
        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal("第三版", detail.GetProperty("current").GetProperty("projectName").GetString());
        Assert.Equal(3, detail.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_new_version_of_a_claimed_approval_notifies_the_claiming_department()
    {
        var id = NewId();
        await (await platform.PushAsync(Valid(id))).ReadJsonAsync(HttpStatusCode.Created);
        await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id);

        var updated = await (await platform.PushAsync(Valid(id, version: 2).With("investment", 500_000_000))).ReadJsonAsync();

        Assert.Equal("updated", updated.GetProperty("outcome").GetString());
        Assert.Equal("claimed", updated.GetProperty("status").GetString());
        var changed = Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "housing", id));
        Assert.Equal(ApprovalMessages.Changed, changed.Subject);
        Assert.Equal(1, changed.Body().GetProperty("details").GetProperty("previousVersion").GetInt64());
        Assert.Equal(2, changed.Body().GetProperty("version").GetInt64());

        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal([1L, 2L], detail.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt64()).ToArray());
        Assert.Equal(["approval.received", "approval.claimed", "approval.version-received"], detail.HistoryActions());
    }
}
