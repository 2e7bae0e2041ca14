using Integration.Domain.Identifiers;
using Integration.Domain.Identity;
using Integration.Domain.Messaging;
using Integration.Functions;
using Integration.Functions.Approvals;
using Integration.Functions.Platform;

namespace Integration.Tests.Approvals;

[Trait("lane", "unit")]
public sealed class ApprovalTopologyTests
{
    private static readonly PrincipalRegistry Registry = new("威海市",
    [
        new Principal("ndrc", "发展和改革委员会", [PrincipalRole.Department, PrincipalRole.Coordinator]),
        new Principal("housing", "住房和城乡建设局", [PrincipalRole.Department]),
        new Principal("water", "水务局", [PrincipalRole.Department]),
        new Principal("approval-system", "审批系统", [PrincipalRole.System]),
        new Principal("admin", "运维", [PrincipalRole.Admin]),
    ]);

    [Fact]
    public void Each_department_has_a_subscription_that_receives_only_its_own_approvals()
    {
        var approvals = AppFunctions.Topology(Registry).Topics.Single(t => t.Name == ApprovalMessages.Approvals);
        Assert.Equal(["housing", "ndrc", "water"], approvals.Subscriptions.Select(s => s.Name));

        var toWater = new TopicMessage { MessageId = "m1", Subject = ApprovalMessages.Pushed, Body = "{}", ApplicationProperties = new Dictionary<string, string> { ["department"] = "water" } };
        Assert.Equal(["water"], approvals.Subscriptions.Where(s => s.Filters.Any(f => f.Matches(toWater))).Select(s => s.Name));
    }

    [Fact]
    public void The_approval_system_receives_all_feedback()
    {
        var feedback = AppFunctions.Topology(Registry).Topics.Single(t => t.Name == ApprovalMessages.Feedback);
        var subscription = Assert.Single(feedback.Subscriptions);
        Assert.Equal("approval-system", subscription.Name);
        Assert.Empty(subscription.Filters);
    }

    [Fact]
    public void The_app_declares_the_approval_functions()
    {
        var functions = Functions.Platform.Hosting.FunctionIndex.ForApp.Functions.ToDictionary(f => f.Name, f => f.Trigger);
        Assert.Equal("http POST /api/approvals", functions["approvals-push"]);
        Assert.Equal("http GET /api/approvals", functions["approvals-list"]);
        Assert.Equal("http GET /api/approvals/{approvalId}", functions["approvals-get"]);
        Assert.Equal("http POST /api/approvals/{approvalId}/claim", functions["approvals-claim"]);
        Assert.Equal("http POST /api/approvals/{approvalId}/decline", functions["approvals-decline"]);
        Assert.Equal("http POST /api/approvals/{approvalId}/assign", functions["approvals-assign"]);
        Assert.Equal("http GET /api/operations/quarantine", functions["admin-quarantine"]);
        Assert.Equal("timer %Connectors:ApprovalSystem:Schedule%", functions["approval-pull"]);
        Assert.IsType<Functions.Platform.Hosting.TimerFunctionDescriptor>(Functions.Platform.Hosting.FunctionIndex.ForApp.Find("approval-pull"));
    }

    [Theory]
    [InlineData("91440300192203821", "914403001922038216")]
    [InlineData("9144030071526726X", "9144030071526726XG")]
    [InlineData("91330100716105852", "91330100716105852F")]
    [InlineData("91350100M000100Y4", "91350100M000100Y43")]
    public void A_credit_code_is_completed_with_its_GB_32100_check_character(string first17, string code)
    {
        Assert.Equal(code, CreditCode.Complete(first17));
        Assert.True(CreditCode.IsValid(code));
    }
}
