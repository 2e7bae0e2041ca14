using System.Text.Json.Nodes;
using Integration.Functions;
using Integration.Functions.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Platform;

public sealed class FunctionCatalogueTests
{
    /// <summary>The whole catalogue, one line per function: the list a deployment is derived from.</summary>
    public static readonly string[] Expected =
    [
        "health: http GET /api/health",
        "calendar-day: http GET /api/calendar/days/{date}",
        "calendar-deadline: http GET /api/calendar/deadline",
        "me: http GET /api/me",
        "principals: http GET /api/principals",
        "audit-history: http GET /api/audit/{kind}/{id}",
        "audit-verify: http GET /api/audit/{kind}/{id}/verify",
        "admin-calendar-reload: http POST /api/admin/calendar/reload",
        "admin-dead-letters: http GET /api/admin/dead-letters",
        "admin-dead-letter-resubmit: http POST /api/admin/dead-letters/{id}/resubmit",
        "admin-subscriptions: http GET /api/admin/subscriptions",
        "admin-orchestrations: http GET /api/admin/orchestrations",
        "admin-orchestration-probe: http POST /api/admin/orchestrations/probe",
        "admin-orchestration-get: http GET /api/admin/orchestrations/{instanceId}",
        "admin-orchestration-terminate: http POST /api/admin/orchestrations/{instanceId}/terminate",
        "admin-orchestration-event: http POST /api/admin/orchestrations/{instanceId}/events/{eventName}",
        "admin-orchestration-purge: http DELETE /api/admin/orchestrations/{instanceId}",
        "orchestration-purge: timer %Durable:PurgeSchedule%",
        "platform-probe: orchestration PlatformProbe",
        "platform-probe-echo: orchestration PlatformProbeEcho",
        "probe-deadline: activity ProbeDeadlineActivity",
        "probe-effect: activity ProbeEffectActivity",
        "probe-echo: activity ProbeEchoActivity",
        "deadline-due: topic deadlines/records",
        "outbox-sweep: timer %Durable:OutboxSweepSchedule%",
        "processed-messages-cleanup: timer %Durable:CleanupSchedule%",
        "approvals-push: http POST /api/approvals",
        "approvals-list: http GET /api/approvals",
        "approvals-get: http GET /api/approvals/{approvalId}",
        "approvals-claim: http POST /api/approvals/{approvalId}/claim",
        "approvals-decline: http POST /api/approvals/{approvalId}/decline",
        "approvals-assign: http POST /api/approvals/{approvalId}/assign",
        "admin-quarantine: http GET /api/admin/quarantine",
        "approval-pull: timer %Connectors:ApprovalSystem:Schedule%",
        "lead-submit: http POST /api/leads",
        "lead-list: http GET /api/leads",
        "lead-get: http GET /api/leads/{leadId}",
        "lead-receipt: http POST /api/leads/{leadId}/receipt",
        "lead-return: http POST /api/leads/{leadId}/return",
        "lead-completion: http POST /api/leads/{leadId}/completion",
        "lead-result: http POST /api/leads/{leadId}/result",
        "lead-route: http POST /api/leads/{leadId}/route",
    ];

    [Fact]
    public void The_catalogue_lists_every_function_with_its_trigger() =>
        Assert.Equal(Expected, AppFunctions.Catalogue().Functions.Select(f => $"{f.Name}: {f.Trigger}"));

    [Fact]
    public void A_topic_functions_concurrency_is_configurable()
    {
        using var platform = new Support.PlatformFactory().With("Functions:deadline-due:MaxConcurrency", "2");
        var consumers = platform.Services.GetServices<Functions.Infrastructure.Topics.TopicConsumerRegistration>();
        Assert.Equal(2, consumers.Single(c => c.Topic == "deadlines" && c.Subscription == "records").MaxConcurrency);
    }

    [Fact]
    public void Every_function_gets_a_function_json_for_a_custom_handler_deployment()
    {
        var folder = Directory.CreateTempSubdirectory("functions-").FullName;
        try
        {
            var catalogue = AppFunctions.Catalogue();
            var files = FunctionManifest.Write(catalogue, folder);
            Assert.Equal(catalogue.Functions.Count, files.Count);

            var http = Binding(folder, "calendar-deadline");
            Assert.Equal("httpTrigger", (string?)http["type"]);
            Assert.Equal("calendar/deadline", (string?)http["route"]);
            Assert.Equal("get", (string?)http["methods"]![0]);

            var timer = Binding(folder, "outbox-sweep");
            Assert.Equal("timerTrigger", (string?)timer["type"]);
            Assert.Equal("%Durable:OutboxSweepSchedule%", (string?)timer["schedule"]);

            var topic = Binding(folder, "deadline-due");
            Assert.Equal("serviceBusTrigger", (string?)topic["type"]);
            Assert.Equal("deadlines", (string?)topic["topicName"]);
            Assert.Equal("records", (string?)topic["subscriptionName"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_host_json_routes_functions_under_api_and_forwards_http_to_the_handler()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(Support.RepositoryRoot.Path, "host.json")))!;
        Assert.Equal(FunctionCatalogue.RoutePrefix, (string?)host["extensions"]!["http"]!["routePrefix"]);
        Assert.True((bool)host["customHandler"]!["enableForwardingHttpRequest"]!);
    }

    private static JsonNode Binding(string folder, string function) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, function, "function.json")))!["bindings"]![0]!;
}
