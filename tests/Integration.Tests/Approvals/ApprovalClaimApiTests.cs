using System.Net;
using Integration.Domain.Approvals;
using Integration.Functions.Approvals;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Approvals;

[Trait("lane", "integration")]
public sealed class ApprovalClaimApiTests(ApprovalClaimApiTests.Platform platform) : IClassFixture<ApprovalClaimApiTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private async Task<string> PushedAsync(string industry = "housing-construction", params string[] scope)
    {
        var id = NewId();
        await (await platform.PushAsync(Valid(id, industry: industry, scope: scope))).ReadJsonAsync(HttpStatusCode.Created);
        return id;
    }

    [Fact]
    public async Task A_routed_department_claims_and_claiming_again_changes_nothing()
    {
        var id = await PushedAsync();

        var first = await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        Assert.Equal("changed", first.GetProperty("outcome").GetString());
        Assert.Equal("claimed", first.GetProperty("status").GetString());
        Assert.Equal("claimed", first.GetProperty("claim").GetProperty("status").GetString());
        var claimedAt = first.GetProperty("claim").GetProperty("claimedAt").GetDateTimeOffset();

        var again = await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        Assert.Equal("unchanged", again.GetProperty("outcome").GetString());
        Assert.Equal(claimedAt, again.GetProperty("claim").GetProperty("claimedAt").GetDateTimeOffset());

        var detail = await platform.GetJsonAsync("housing", $"/api/approvals/{id}");
        Assert.Equal(["approval.received", "approval.claimed"], detail.HistoryActions());
        Assert.All(detail.GetProperty("deadlines").EnumerateArray(), d => Assert.Equal("cancelled", d.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_claim_tells_the_approval_system_who_supervises()
    {
        var id = await PushedAsync();
        await platform.TakeAsync(ApprovalMessages.Feedback, ApprovalMessages.FeedbackSubscription, id);

        await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();

        var feedback = Assert.Single(await platform.TakeAsync(ApprovalMessages.Feedback, ApprovalMessages.FeedbackSubscription, id));
        Assert.Equal(ApprovalMessages.Claimed, feedback.Subject);
        Assert.Equal("housing", feedback.ApplicationProperties["department"]);
        Assert.Equal("housing", feedback.Body().GetProperty("details").GetProperty("claimedBy").GetString());
    }

    [Fact]
    public async Task A_department_it_was_not_routed_to_may_not_claim()
    {
        var id = await PushedAsync();
        var problem = await (await platform.PostAsync("water", $"/api/approvals/{id}/claim")).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("water", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await platform.PostAsync("approval-system", $"/api/approvals/{id}/claim")).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.PostAsync("admin", $"/api/approvals/{id}/claim")).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Claiming_an_unknown_approval_is_not_found() =>
        await (await platform.PostAsync("housing", "/api/approvals/NO-SUCH-APPROVAL/claim")).ReadProblemAsync(HttpStatusCode.NotFound);

    [Fact]
    public async Task Several_competent_departments_each_claim_their_own_part()
    {
        var id = await PushedAsync("housing-construction", "construction", "equipment");

        var supervision = platform.Services.GetRequiredService<IProjectSupervision>();
        Assert.Empty(await supervision.ClaimingDepartmentsAsync(ProjectCodeOf(id), Cancellation));

        var housing = await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        Assert.Equal("pending", housing.GetProperty("status").GetString());
        Assert.Equal(["housing"], await supervision.ClaimingDepartmentsAsync(ProjectCodeOf(id), Cancellation));
        var industry = await (await platform.PostAsync("industry", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        Assert.Equal("claimed", industry.GetProperty("status").GetString());
        Assert.Equal(["housing", "industry"], await supervision.ClaimingDepartmentsAsync(ProjectCodeOf(id), Cancellation));
    }

    [Fact]
    public async Task A_decline_needs_a_reason_and_goes_back_to_the_coordinator()
    {
        var id = await PushedAsync("housing-construction", "equipment");
        var missing = await (await platform.PostAsync("industry", $"/api/approvals/{id}/decline", new { })).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["reason"], missing.ErrorFields());
        await (await platform.PostAsync("industry", $"/api/approvals/{id}/decline")).ReadProblemAsync(HttpStatusCode.BadRequest);

        var declined = await (await platform.PostAsync("industry", $"/api/approvals/{id}/decline", new { reason = "设备为建筑配套，不属于工信监管范围" })).ReadJsonAsync();
        Assert.Equal("declined", declined.GetProperty("claim").GetProperty("status").GetString());
        Assert.Equal("declined", declined.GetProperty("status").GetString());

        var toCoordinator = Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "ndrc", id));
        Assert.Equal(ApprovalMessages.Declined, toCoordinator.Subject);
        Assert.Equal("industry", toCoordinator.Body().GetProperty("details").GetProperty("declinedBy").GetString());

        var again = await (await platform.PostAsync("industry", $"/api/approvals/{id}/decline", new { reason = "同上" })).ReadJsonAsync();
        Assert.Equal("unchanged", again.GetProperty("outcome").GetString());
        await (await platform.PostAsync("industry", $"/api/approvals/{id}/claim")).ReadProblemAsync(HttpStatusCode.Conflict);
        await (await platform.PostAsync("water", $"/api/approvals/{id}/decline", new { reason = "x" })).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_claimed_approval_cannot_be_declined()
    {
        var id = await PushedAsync();
        await (await platform.PostAsync("housing", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        var problem = await (await platform.PostAsync("housing", $"/api/approvals/{id}/decline", new { reason = "改变主意" })).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("claimed", problem.GetProperty("claim").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_coordinator_assigns_a_declined_approval_and_the_assignee_claims_it()
    {
        var id = await PushedAsync();
        await (await platform.PostAsync("housing", $"/api/approvals/{id}/decline", new { reason = "属于水务工程" })).ReadJsonAsync();

        var assigned = await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/assign", new { department = "water" })).ReadJsonAsync();
        Assert.Equal("changed", assigned.GetProperty("outcome").GetString());
        Assert.Equal("ndrc", assigned.GetProperty("claim").GetProperty("assignedBy").GetString());
        Assert.Equal("pending", assigned.GetProperty("status").GetString());
        var pushed = Assert.Single(await platform.TakeAsync(ApprovalMessages.Approvals, "water", id));
        Assert.Equal(ApprovalMessages.Pushed, pushed.Subject);

        var again = await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/assign", new { department = "water" })).ReadJsonAsync();
        Assert.Equal("unchanged", again.GetProperty("outcome").GetString());

        await (await platform.PostAsync("water", $"/api/approvals/{id}/claim")).ReadJsonAsync();
        var detail = await platform.GetJsonAsync("water", $"/api/approvals/{id}");
        Assert.Equal("claimed", detail.GetProperty("status").GetString());
        Assert.Equal(["approval.received", "approval.declined", "approval.assigned", "approval.claimed"], detail.HistoryActions());
    }

    [Fact]
    public async Task The_coordinator_hands_on_what_no_line_covers_and_then_holds_no_part_to_claim()
    {
        var id = await PushedAsync("energy");
        await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/assign", new { department = "industry" })).ReadJsonAsync();

        var detail = await platform.GetJsonAsync("ndrc", $"/api/approvals/{id}");
        var claims = detail.GetProperty("claims").EnumerateArray().ToDictionary(c => c.GetProperty("department").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("assigned", claims["ndrc"]);
        Assert.Equal("pending", claims["industry"]);
        var deadlines = detail.GetProperty("deadlines").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("status").GetString());
        Assert.Equal("cancelled", deadlines["claim:ndrc"]);
        Assert.Equal("active", deadlines["claim:industry"]);
        await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/claim")).ReadProblemAsync(HttpStatusCode.Conflict);
        await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/decline", new { reason = "x" })).ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("housing")]
    [InlineData("admin")]
    [InlineData("approval-system")]
    public async Task Only_the_coordinator_assigns(string principal)
    {
        var id = await PushedAsync();
        await (await platform.PostAsync(principal, $"/api/approvals/{id}/assign", new { department = "water" })).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_assignment_names_a_department_of_the_municipality()
    {
        var id = await PushedAsync();
        Assert.Equal(["department"], (await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/assign", new { })).ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["department"], (await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/assign", new { department = "approval-system" })).ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["department"], (await (await platform.PostAsync("ndrc", $"/api/approvals/{id}/assign", new { department = "mint" })).ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        await (await platform.PostAsync("ndrc", "/api/approvals/NO-SUCH/assign", new { department = "water" })).ReadProblemAsync(HttpStatusCode.NotFound);
    }
}
