using System.Net;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Integration.Domain.Identity;
using Integration.Domain.Messaging;
using Integration.Domain.Storage;
using Integration.Functions;
using Integration.Functions.Approvals;
using Integration.Functions.Infrastructure.Azure;
using Integration.Functions.Infrastructure.ServiceBus;
using Integration.Functions.Infrastructure.Topics;
using Integration.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Infrastructure.ServiceBus;

/// <summary>
/// How <c>Messaging:Provider</c> composes the app. Nothing here reaches a namespace: the Service Bus clients connect on
/// first use, and where a test publishes, a recording stand-in takes the place of the client.
/// </summary>
[Trait("lane", "integration")]
public sealed class MessagingCompositionTests
{
    private const string Namespace = "sb-weihai-test.servicebus.chinacloudapi.cn";

    private static PlatformFactory OnServiceBus() => new PlatformFactory()
        .With("Messaging:Provider", "ServiceBus")
        .With("Messaging:ServiceBus:FullyQualifiedNamespace", Namespace)
        .With("Azure:AuthorityHost", "https://login.chinacloudapi.cn");

    [Fact]
    public async Task The_embedded_bus_is_the_default()
    {
        await using var platform = new PlatformFactory();

        Assert.IsType<SqliteTopicBus>(platform.Services.GetRequiredService<ITopicPublisher>());
        Assert.Null(platform.Services.GetService<ServiceBusClient>());
        Assert.Equal(MessagingProvider.Embedded, platform.Services.GetRequiredService<IOptions<MessagingOptions>>().Value.Provider);
    }

    [Fact]
    public async Task With_Service_Bus_the_outbox_publishes_through_Service_Bus_without_connecting_at_start_up()
    {
        await using var platform = OnServiceBus();

        Assert.IsType<ServiceBusTopicPublisher>(platform.Services.GetRequiredService<ITopicPublisher>());
        Assert.Equal(Namespace, platform.Services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.IsType<ServiceBusAdministrationClient>(platform.Services.GetRequiredService<ServiceBusAdministrationClient>());
        Assert.NotNull(platform.Services.GetRequiredService<TokenCredential>());

        Assert.Equal(
            ["approvals", "approval-feedback", "leads", "lead-feedback", "enforcement", "coordination-reports"],
            platform.Services.GetRequiredService<ServiceBusTopology>().Topology.Topics.Select(t => t.Name));
        Assert.DoesNotContain(platform.Services.GetServices<IHostedService>(), s => s.GetType().Name == "ServiceBusTopologyStartup");
        Assert.Equal(HttpStatusCode.OK, (await platform.CreateClient().GetAsync("/api/health", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task A_pushed_approval_leaves_the_outbox_as_Service_Bus_messages_and_its_deadlines_in_the_due_index()
    {
        await using var bus = new RecordingServiceBusClient();
        await using var platform = OnServiceBus().WithServices(services => services.RemoveAll<ServiceBusClient>().AddSingleton<ServiceBusClient>(bus));
        var id = NewId();

        await (await platform.PushAsync(Valid(id))).ReadJsonAsync(HttpStatusCode.Created);

        var pushed = Assert.Single(bus.SentTo(ApprovalMessages.Approvals));
        Assert.Equal($"approval|{id}:1:0", pushed.MessageId);
        Assert.Equal(ApprovalMessages.Pushed, pushed.Subject);
        Assert.Equal($"approval|{id}", pushed.CorrelationId);
        Assert.Equal("application/json", pushed.ContentType);
        Assert.Equal("housing", pushed.ApplicationProperties["department"]);
        Assert.Equal(id, pushed.ApplicationProperties["approvalId"]);
        Assert.Contains($"\"approvalId\":\"{id}\"", pushed.Body.ToString(), StringComparison.Ordinal);
        Assert.Equal(ApprovalMessages.Routed, Assert.Single(bus.SentTo(ApprovalMessages.Feedback)).Subject);
        Assert.DoesNotContain(bus.Sent, s => s.Topic == "deadlines");

        Assert.DoesNotContain(bus.Sent, s => s.Topic is not (ApprovalMessages.Approvals or ApprovalMessages.Feedback));
        var due = await platform.Services.GetRequiredService<ITableStore>().QueryAsync("DeadlineIndex", new TableQuery { PartitionKey = "due" }, null, Cancellation);
        Assert.Equal(2, due.Entities.Count(e => e.RowKey.Contains(id, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task With_Service_Bus_the_HTTP_receive_tells_the_caller_to_read_its_Service_Bus_subscription()
    {
        await using var platform = OnServiceBus();

        var problem = await (await platform.ClientFor("housing").PostAsync("/api/topics/approvals/subscriptions/housing/messages/head", null, Cancellation))
            .ReadProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(Namespace, problem.GetProperty("serviceBusNamespace").GetString());
        Assert.Equal("approvals/Subscriptions/housing", problem.GetProperty("entityPath").GetString());
        Assert.Contains("Service Bus", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "Messaging:ServiceBus:FullyQualifiedNamespace")]
    [InlineData("https://sb-x.servicebus.windows.net/", null, "must be a host name")]
    [InlineData("sb-x.servicebus.windows.net", "Endpoint=sb://sb-x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=v", "exactly one of")]
    public async Task A_Service_Bus_configuration_that_cannot_work_stops_the_app_naming_the_key(string? ns, string? connectionString, string expected)
    {
        await using var platform = new PlatformFactory()
            .With("Messaging:Provider", "ServiceBus")
            .With("Messaging:ServiceBus:FullyQualifiedNamespace", ns)
            .With("Messaging:ServiceBus:ConnectionString", connectionString);

        var error = Assert.Throws<OptionsValidationException>(() => platform.CreateClient());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_string_is_the_alternative_to_the_credential_and_the_topology_is_installed_only_when_asked()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Provider"] = "ServiceBus",
            ["Messaging:ServiceBus:ConnectionString"] = "Endpoint=sb://sb-weihai.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0",
            ["Messaging:ServiceBus:InstallTopology"] = "true",
        }).Build();
        var registry = new PrincipalRegistry("威海市", [new Principal("housing", "住房和城乡建设局", [PrincipalRole.Department])]);
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddMessaging(configuration, AppFunctions.Topology(registry));

        await using var provider = services.BuildServiceProvider();

        Assert.Equal("sb-weihai.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "ServiceBusTopologyStartup");
    }
}
