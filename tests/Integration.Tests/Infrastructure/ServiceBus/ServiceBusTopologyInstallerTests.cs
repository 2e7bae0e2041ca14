using Azure.Messaging.ServiceBus.Administration;
using Integration.Domain.Identity;
using Integration.Functions;
using Integration.Functions.Infrastructure.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Integration.Tests.Infrastructure.ServiceBus;

/// <summary>The installer reads, plans and applies through the administration client (here an in-memory stand-in).</summary>
[Trait("lane", "unit")]
public sealed class ServiceBusTopologyInstallerTests
{
    private static readonly PrincipalRegistry Registry = new("威海市",
    [
        new Principal("housing", "住房和城乡建设局", [PrincipalRole.Department]),
        new Principal("police", "公安局", [PrincipalRole.Department]),
        new Principal("approval-system", "审批系统", [PrincipalRole.System]),
    ]);

    private static readonly ServiceBusTopology Declared = new(AppFunctions.Topology(Registry) with
    {
        Topics = AppFunctions.Topology(Registry).Topics.Where(t => t.Name != "deadlines").ToArray(),
    });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static ServiceBusTopologyInstaller Installer(InMemoryServiceBusAdministration admin) =>
        new(admin, Declared, NullLogger<ServiceBusTopologyInstaller>.Instance);

    [Fact]
    public async Task The_first_run_creates_everything_and_the_second_changes_nothing()
    {
        var admin = new InMemoryServiceBusAdministration();

        await Installer(admin).InstallAsync(Cancellation);
        var firstRun = admin.Changes.ToArray();
        admin.Changes.Clear();
        var second = await Installer(admin).InstallAsync(Cancellation);

        Assert.Contains("create topic approvals", firstRun);
        Assert.Contains("create subscription approvals/housing with department-housing", firstRun);
        Assert.Contains("create subscription approval-feedback/approval-system with $Default", firstRun);
        Assert.Equal(["department-police"], admin.RulesOf("leads", "police").Select(r => r.Name));
        Assert.True(second.IsEmpty);
        Assert.Empty(admin.Changes);
    }

    [Fact]
    public async Task A_drifted_subscription_is_put_back_with_one_update()
    {
        var admin = new InMemoryServiceBusAdministration();
        await Installer(admin).InstallAsync(Cancellation);
        admin.SubscriptionOf("approvals", "police").AutoDeleteOnIdle = TimeSpan.FromDays(7);
        admin.SubscriptionOf("approvals", "police").MaxDeliveryCount = 3;
        admin.Changes.Clear();

        await Installer(admin).InstallAsync(Cancellation);

        Assert.Equal(["update subscription approvals/police"], admin.Changes);
        Assert.Equal(TimeSpan.MaxValue, admin.SubscriptionOf("approvals", "police").AutoDeleteOnIdle);
        Assert.Equal(10, admin.SubscriptionOf("approvals", "police").MaxDeliveryCount);
    }

    [Fact]
    public async Task A_topic_another_instance_created_meanwhile_is_not_an_error()
    {
        var admin = new InMemoryServiceBusAdministration { RaceOnTopic = "leads" };

        await Installer(admin).InstallAsync(Cancellation);

        Assert.DoesNotContain("create topic leads", admin.Changes);
        Assert.Contains("create subscription leads/housing with department-housing", admin.Changes);
        Assert.IsType<CorrelationRuleFilter>(Assert.Single(admin.RulesOf("leads", "housing")).Filter);
    }
}
