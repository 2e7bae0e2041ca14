using System.Text.Json.Nodes;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Orchestrations;
using Integration.Functions.Platform.Timers;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Integration.Tests.Platform;

/// <summary>
/// The functions the Functions host would run (the <c>functions.metadata</c> the build wrote beside the
/// app) and the functions the local host serves are the same list.
/// </summary>
[Trait("lane", "integration")]
public sealed class FunctionMetadataTests(FunctionMetadataTests.Platform platform) : IClassFixture<FunctionMetadataTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    /// <summary>Every function, one line each, as callers and operators know them.</summary>
    public static readonly string[] Expected =
    [
        "health: http GET /api/health",
        "calendar-day: http GET /api/calendar/days/{date}",
        "calendar-deadline: http GET /api/calendar/deadline",
        "me: http GET /api/me",
        "principals: http GET /api/principals",
        "audit-history: http GET /api/audit/{kind}/{id}",
        "audit-verify: http GET /api/audit/{kind}/{id}/verify",
        "admin-calendar-reload: http POST /api/operations/calendar/reload",
        "admin-dead-letters: http GET /api/operations/dead-letters",
        "admin-dead-letter-resubmit: http POST /api/operations/dead-letters/{id}/resubmit",
        "admin-subscriptions: http GET /api/operations/subscriptions",
        "admin-stuck-deadlines: http GET /api/operations/stuck-deadlines",
        "admin-stuck-deadline-retry: http POST /api/operations/stuck-deadlines/{id}/retry",
        "subscription-receive: http POST /api/topics/{topic}/subscriptions/{subscription}/messages/head",
        "subscription-complete: http DELETE /api/topics/{topic}/subscriptions/{subscription}/messages/{messageId}/{lockToken}",
        "subscription-abandon: http PUT /api/topics/{topic}/subscriptions/{subscription}/messages/{messageId}/{lockToken}",
        "deadline-sweep: timer %Durable:DeadlineSweepSchedule%",
        "outbox-sweep: timer %Durable:OutboxSweepSchedule%",
        "admin-orchestrations: http GET /api/operations/orchestrations",
        "admin-orchestration-probe: http POST /api/operations/orchestrations/probe",
        "admin-orchestration-get: http GET /api/operations/orchestrations/{instanceId}",
        "admin-orchestration-terminate: http POST /api/operations/orchestrations/{instanceId}/terminate",
        "admin-orchestration-event: http POST /api/operations/orchestrations/{instanceId}/events/{eventName}",
        "admin-orchestration-purge: http DELETE /api/operations/orchestrations/{instanceId}",
        "orchestration-purge: timer %Durable:PurgeSchedule%",
        "platform-probe: orchestration",
        "platform-probe-echo: orchestration",
        "probe-deadline: activity",
        "probe-effect: activity",
        "probe-echo: activity",
        "approvals-push: http POST /api/approvals",
        "approvals-list: http GET /api/approvals",
        "approvals-get: http GET /api/approvals/{approvalId}",
        "approvals-claim: http POST /api/approvals/{approvalId}/claim",
        "approvals-decline: http POST /api/approvals/{approvalId}/decline",
        "approvals-assign: http POST /api/approvals/{approvalId}/assign",
        "admin-quarantine: http GET /api/operations/quarantine",
        "approval-pull: timer %Connectors:ApprovalSystem:Schedule%",
        "lead-submit: http POST /api/leads",
        "lead-list: http GET /api/leads",
        "lead-get: http GET /api/leads/{leadId}",
        "lead-receipt: http POST /api/leads/{leadId}/receipt",
        "lead-return: http POST /api/leads/{leadId}/return",
        "lead-completion: http POST /api/leads/{leadId}/completion",
        "lead-result: http POST /api/leads/{leadId}/result",
        "lead-route: http POST /api/leads/{leadId}/route",
        "enforcement-officers-put: http PUT /api/enforcement/officers/{department}",
        "enforcement-officers-get: http GET /api/enforcement/officers/{department}",
        "enforcement-targets-put: http PUT /api/enforcement/targets",
        "enforcement-targets-get: http GET /api/enforcement/targets",

        // Joint-enforcement plans (issue 11).
        "plan-create: http POST /api/enforcement/plans",
        "plan-list: http GET /api/enforcement/plans",
        "plan-get: http GET /api/enforcement/plans/{planId}",
        "plan-amend: http PUT /api/enforcement/plans/{planId}",
        "plan-confirm: http POST /api/enforcement/plans/{planId}/confirm",
        "plan-object: http POST /api/enforcement/plans/{planId}/object",
        "plan-approve: http POST /api/enforcement/plans/{planId}/approve",
        "plan-draw: http GET /api/enforcement/plans/{planId}/draw",
        "plan-draw-verify: http GET /api/enforcement/plans/{planId}/draw/verify",
        "plan-draw-commit: http POST /api/enforcement/plans/{planId}/draw/commitments",
        "plan-draw-reveal: http POST /api/enforcement/plans/{planId}/draw/reveals",
        "plan-draw-restart: http POST /api/enforcement/plans/{planId}/draw/restart",
        "plan-tasks: http GET /api/enforcement/plans/{planId}/tasks",
        "plan-task-result: http POST /api/enforcement/plans/{planId}/tasks/{taskId}/result",
        "plan-task-recusal: http POST /api/enforcement/plans/{planId}/tasks/{taskId}/recusals",
        "plan-task-exception: http POST /api/enforcement/plans/{planId}/tasks/{taskId}/exception",
        "plan-finding-lead: http POST /api/enforcement/plans/{planId}/tasks/{taskId}/findings/{finding}/lead",
        "plan-suspend: http POST /api/enforcement/plans/{planId}/suspend",
        "plan-resume: http POST /api/enforcement/plans/{planId}/resume",
        "plan-assistance-answer: http POST /api/enforcement/plans/{planId}/assistance/{letterId}/answer",
        "plan-publish: http POST /api/enforcement/plans/{planId}/publish",
        "plan-public: http GET /api/public/enforcement/{planId}",
        "enforcement-plan: orchestration",
        "enforcement-plan-status: activity",
        "enforcement-plan-deadlines: activity",
        "reports-coordination-request: http POST /api/reports/coordination",
        "reports-coordination-get: http GET /api/reports/coordination/{period}",
        "reports-coordination-timer: timer %Reports:Schedule%",
        "reports-coordination-ack: http POST /api/reports/coordination/{period}/ack",
        "reports-coordination-html: http GET /api/reports/coordination/{period}.html",
        "reports-coordination-xlsx: http GET /api/reports/coordination/{period}.xlsx",

        // Coordination meetings and their action items (issue 12 point 5).
        "reports-coordination-agenda: http POST /api/reports/coordination/{period}/agenda",
        "reports-coordination-meeting-get: http GET /api/reports/coordination/{period}/meeting",
        "reports-coordination-meeting-schedule: http POST /api/reports/coordination/{period}/meeting",
        "reports-coordination-meeting-minutes: http POST /api/reports/coordination/{period}/meeting/minutes",
        "meetings-request: http POST /api/meetings",
        "meetings-get: http GET /api/meetings/{meetingId}",
        "meetings-schedule: http POST /api/meetings/{meetingId}/schedule",
        "meetings-decline: http POST /api/meetings/{meetingId}/decline",
        "meetings-minutes: http POST /api/meetings/{meetingId}/minutes",
        "meetings-actions-list: http GET /api/meetings/actions",
        "meetings-action-close: http POST /api/meetings/actions/{actionId}/close",

        "coordination-report: orchestration",
        "coordination-report-compute: activity",
        "coordination-report-artefacts: activity",
        "coordination-report-fan-out: activity",
    ];

    [Fact]
    public void The_build_metadata_lists_every_function_once_with_its_trigger()
    {
        var functions = BuiltMetadata();
        var names = functions.Select(f => (string)f["name"]!).ToArray();
        Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Length);
        Assert.Equal(Expected.Order(StringComparer.Ordinal), functions.Select(Describe).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_local_host_serves_exactly_the_functions_of_the_build_metadata()
    {
        var served = ServedHttpFunctions()
            .Concat(platform.Services.GetRequiredService<TimerScheduler>().Timers.Select(t => $"{t.Function.Name}: timer {t.Function.Schedule}"))
            .Concat(LocalDurableTasks().GetOrchestrators().Select(o => $"{o.Key.Name}: orchestration"))
            .Concat(LocalDurableTasks().GetActivities().Select(a => $"{a.Key.Name}: activity"));
        Assert.Equal(BuiltMetadata().Select(Describe).Order(StringComparer.Ordinal), served.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_local_durable_worker_runs_under_each_wrappers_name_the_class_the_wrapper_delegates_to()
    {
        var registry = LocalDurableTasks();
        var created = registry.GetOrchestrators().Select(o => (o.Key.Name, Type: o.Value(platform.Services).GetType()))
            .Concat(registry.GetActivities().Select(a => (a.Key.Name, Type: a.Value(platform.Services).GetType())))
            .ToArray();
        Assert.NotEmpty(created);
        foreach (var (name, type) in created)
        {
            Assert.Equal(FunctionIndex.ForApp.Find(name)?.Method.DeclaringType, type);
        }
    }

    /// <summary>
    /// The functions that reach the task hub take the extension's client as a <c>[DurableClient]</c> binding under the
    /// Functions host (the host has no other way to hand it over); the local host binds the same parameter.
    /// </summary>
    [Fact]
    public void The_orchestration_admin_functions_health_and_the_purge_timer_declare_a_durable_client_binding()
    {
        string[] expected =
        [
            "admin-orchestration-event", "admin-orchestration-get", "admin-orchestration-probe", "admin-orchestration-purge",
            "admin-orchestration-terminate", "admin-orchestrations", "health", "orchestration-purge",

            // Plan commands start the plan's orchestration or tell it the plan moved on.
            "plan-amend", "plan-approve", "plan-assistance-answer", "plan-confirm", "plan-create", "plan-draw-commit", "plan-draw-restart",
            "plan-draw-reveal", "plan-finding-lead", "plan-object", "plan-publish", "plan-resume", "plan-suspend", "plan-task-exception", "plan-task-recusal", "plan-task-result",

            // A coordination report is made by its orchestration: asked for, read while it runs, started by the timer.
            "reports-coordination-get", "reports-coordination-request", "reports-coordination-timer",
        ];
        var bound = BuiltMetadata()
            .Where(f => f["bindings"]!.AsArray().Any(b => (string?)b!["type"] == "durableClient" && (string?)b["direction"] == "In"))
            .Select(f => (string)f["name"]!)
            .Order(StringComparer.Ordinal);
        Array.Sort(expected, StringComparer.Ordinal);
        Assert.Equal(expected, bound);
        Assert.Equal(expected, FunctionIndex.ForApp.Functions
            .Where(f => f.Method.GetParameters().Any(FunctionIndex.IsDurableClient))
            .Select(f => f.Name)
            .Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Http_functions_are_anonymous_to_the_host_because_the_app_authenticates_callers()
    {
        foreach (var function in BuiltMetadata())
        {
            var trigger = Trigger(function);
            if ((string?)trigger["type"] == "httpTrigger")
            {
                Assert.Equal("Anonymous", (string?)trigger["authLevel"], ignoreCase: true);
            }
        }
    }

    [Fact]
    public void The_host_json_is_a_worker_apps_with_the_route_prefix_the_local_host_uses()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")))!;
        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal(FunctionIndex.RoutePrefix, (string?)host["extensions"]!["http"]!["routePrefix"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)host["extensions"]!["durableTask"]!["hubName"]));
        Assert.Null(host["customHandler"]);
    }

    /// <summary>
    /// The Functions host's task hub is configured like the local engine: the hub name is the app's own setting (the
    /// extension resolves a whole-string <c>%Setting%</c>, and the template sets it), and the Azure Storage provider's
    /// settings the extension offers are the local engine's defaults, so an activity cut by a crash is retried within the
    /// same 30 s on both hosts.
    /// </summary>
    [Fact]
    public void The_host_json_task_hub_takes_the_app_s_hub_setting_and_the_local_engine_s_timings()
    {
        var durable = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")))!["extensions"]!["durableTask"]!;
        Assert.Equal($"%{DurableOptions.Section}:{nameof(DurableOptions.TaskHub)}%", (string?)durable["hubName"]);
        var local = new DurableOptions();
        var storage = durable["storageProvider"]!;
        Assert.Equal(local.PartitionCount, (int)storage["partitionCount"]!);
        Assert.Equal(local.WorkItemVisibilityTimeout, TimeSpan.Parse((string)storage["workItemQueueVisibilityTimeout"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(local.MaxQueuePollingInterval, TimeSpan.Parse((string)storage["maxQueuePollingInterval"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False((bool)durable["tracing"]!["traceInputsAndOutputs"]!);
    }

    [Fact]
    public void No_function_waits_on_a_topic_because_the_worker_cannot_declare_a_Service_Bus_trigger()
    {
        using var configured = new PlatformFactory();
        Assert.Empty(configured.Services.GetServices<Functions.Infrastructure.Topics.TopicConsumerRegistration>());
        Assert.All(BuiltMetadata(), f => Assert.DoesNotContain("serviceBus", (string?)Trigger(f)["type"], StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The functions.metadata the Functions SDK wrote at build, copied beside the tests from the app's output.</summary>
    private static JsonObject[] BuiltMetadata()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(file), $"{file} is missing: the function app's build writes it and the test project copies it.");
        return JsonNode.Parse(File.ReadAllText(file))!.AsArray().Select(f => f!.AsObject()).ToArray();
    }

    private static JsonObject Trigger(JsonObject function) =>
        Assert.Single(function["bindings"]!.AsArray(), b => ((string?)b!["type"])!.EndsWith("Trigger", StringComparison.Ordinal))!.AsObject();

    /// <summary>One line per function; a trigger the local host does not run fails both tests above.</summary>
    private static string Describe(JsonObject function)
    {
        var name = (string)function["name"]!;
        var trigger = Trigger(function);
        return (string?)trigger["type"] switch
        {
            "httpTrigger" => $"{name}: http {string.Join(',', trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()))} /{FunctionIndex.RoutePrefix}/{(string?)trigger["route"] ?? name}",
            "timerTrigger" => $"{name}: timer {(string?)trigger["schedule"]}",
            "orchestrationTrigger" => $"{name}: orchestration",
            "activityTrigger" => $"{name}: activity",
            var other => $"{name}: {other} (no local host for this trigger)",
        };
    }

    /// <summary>
    /// What the local Durable Task worker is given, from the same registration the app makes with the engine on
    /// (the API tests run with it off); resolving the registry starts no engine.
    /// </summary>
    private static DurableTaskRegistry LocalDurableTasks()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Durable:Engine"] = "Local" }).Build();
        var services = new ServiceCollection().AddLogging().AddLocalDurableTask(FunctionIndex.ForApp, configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<DurableTaskRegistry>>().Get(Options.DefaultName);
    }

    private IEnumerable<string> ServedHttpFunctions() =>
        platform.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .Select(e => $"{e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName}: http {string.Join(',', e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)} {e.RoutePattern.RawText}");
}
