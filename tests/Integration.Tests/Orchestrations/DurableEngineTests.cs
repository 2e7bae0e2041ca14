using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Integration.Functions.Operations.Probe;
using Integration.Functions.Operations;
using Integration.Functions.Platform.Timers;
using Integration.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Orchestrations;

/// <summary>
/// The engine as the app runs it: the sidecar over the Azure Storage provider on Azurite, the worker and client in the
/// app, driven through the admin endpoints.
/// </summary>
[Trait("lane", "integration")]
[Collection(nameof(DurableAzuriteCollection))]
public sealed class DurableEngineTests(DurableAzuriteFixture azurite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Fails without <c>SidecarCompatibleOrchestrationService</c>: the parent's history could not be loaded again after it
    /// started its child, and the child's start message could not be read, so neither would complete.
    /// </summary>
    [Fact]
    public async Task A_probe_with_a_sub_orchestration_completes_on_Azure_Storage_and_its_history_reads_back()
    {
        using var platform = Platform();
        using var admin = platform.ClientFor("admin");
        var ct = TestContext.Current.CancellationToken;

        var started = await admin.PostAsJsonAsync("/api/operations/orchestrations/probe", new { instanceId = "probe-sub", waitSeconds = 1 }, ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var detail = await WaitForStatusAsync(admin, "probe-sub", "Completed", ct);

        var output = detail.GetProperty("output");
        Assert.Equal("echo:probe-sub", output.GetProperty("Echo").GetString());
        Assert.False(output.GetProperty("Acknowledged").GetBoolean());
        var events = detail.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToArray();
        Assert.Contains("SubOrchestrationInstanceCreated", events);
        Assert.Contains("SubOrchestrationInstanceCompleted", events);
        Assert.Contains("TimerFired", events);
        Assert.Equal("Completed", (await WaitForStatusAsync(admin, "probe-sub-echo", "Completed", ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Operators_list_inspect_terminate_and_purge_instances()
    {
        using var platform = Platform();
        using var admin = platform.ClientFor("admin");
        var ct = TestContext.Current.CancellationToken;

        await admin.PostAsJsonAsync("/api/operations/orchestrations/probe", new { instanceId = "probe-waits", waitSeconds = 3600 }, ct);
        var waiting = await WaitForStepAsync(admin, "probe-waits", "waiting-for-acknowledgement", ct);
        Assert.Equal("Running", waiting.GetProperty("status").GetString());

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/operations/orchestrations?name=platform-probe&status=Running,Pending", ct);
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal("probe-waits", item.GetProperty("instanceId").GetString());
        Assert.Equal("waiting-for-acknowledgement", item.GetProperty("customStatus").GetProperty("Step").GetString());
        var none = await admin.GetFromJsonAsync<JsonElement>("/api/operations/orchestrations?status=Completed", ct);
        Assert.Empty(none.GetProperty("items").EnumerateArray());
        var later = await admin.GetFromJsonAsync<JsonElement>($"/api/operations/orchestrations?createdFrom={Uri.EscapeDataString(TimeProvider.System.GetUtcNow().AddHours(1).ToString("o"))}", ct);
        Assert.Empty(later.GetProperty("items").EnumerateArray());

        var purgeRunning = await admin.DeleteAsync("/api/operations/orchestrations/probe-waits", ct);
        await purgeRunning.ReadProblemAsync(HttpStatusCode.Conflict);

        var terminate = await admin.PostAsJsonAsync("/api/operations/orchestrations/probe-waits/terminate", new { reason = "drill over" }, ct);
        Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        await WaitForStatusAsync(admin, "probe-waits", "Terminated", ct);
        var again = await admin.PostAsJsonAsync("/api/operations/orchestrations/probe-waits/terminate", new { reason = "again" }, ct);
        await again.ReadProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/operations/orchestrations/probe-waits", ct)).StatusCode);
        await (await admin.GetAsync("/api/operations/orchestrations/probe-waits", ct)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync("/api/operations/orchestrations/probe-waits", ct)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_purge_timer_removes_finished_instances_older_than_PurgeAfter_and_keeps_running_ones()
    {
        var clock = new ManualTimeProvider(TimeProvider.System.GetUtcNow());
        using var platform = Platform().WithTime(clock);
        using var admin = platform.ClientFor("admin");
        var ct = TestContext.Current.CancellationToken;

        await admin.PostAsJsonAsync("/api/operations/orchestrations/probe", new { instanceId = "probe-old", waitSeconds = 1 }, ct);
        await admin.PostAsJsonAsync("/api/operations/orchestrations/probe", new { instanceId = "probe-running", waitSeconds = 3600 }, ct);
        await WaitForStatusAsync(admin, "probe-old", "Completed", ct);
        await WaitForStepAsync(admin, "probe-running", "waiting-for-acknowledgement", ct);

        var purger = platform.Services.GetRequiredService<OrchestrationAdmin>();
        var client = platform.Services.GetRequiredService<DurableTaskClient>();
        Assert.Equal(0, await purger.PurgeFinishedAsync(client, ct));
        clock.Advance(TimeSpan.FromDays(31));

        // The timer as the local host runs it: its [DurableClient] parameter is bound to the local engine's client.
        var timer = platform.Services.GetRequiredService<TimerScheduler>().Timers.Single(t => t.Function.Name == "orchestration-purge").Function;
        await timer.Handler(new TimerInfo(), platform.Services, ct);
        Assert.Equal(0, await purger.PurgeFinishedAsync(client, ct));

        await (await admin.GetAsync("/api/operations/orchestrations/probe-old", ct)).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/operations/orchestrations/probe-running", ct)).StatusCode);
    }

    [Fact]
    public async Task Health_reports_the_task_hub_and_bad_requests_get_every_field_error()
    {
        var hub = DurableAzuriteFixture.NewTaskHub();
        using var platform = Platform(hub);
        using var admin = platform.ClientFor("admin");
        var ct = TestContext.Current.CancellationToken;

        var health = await platform.CreateClient().GetFromJsonAsync<JsonElement>("/api/health", ct);
        var taskHub = health.GetProperty("checks").GetProperty("taskHub");
        Assert.Equal("healthy", taskHub.GetProperty("status").GetString());
        Assert.Equal(hub, taskHub.GetProperty("data").GetProperty("taskHub").GetString());
        Assert.True(taskHub.GetProperty("data").GetProperty("reachable").GetBoolean());

        var list = await (await admin.GetAsync("/api/operations/orchestrations?status=Running,Sleeping&createdFrom=yesterday&pageSize=500", ct)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["createdFrom", "pageSize", "status"], list.ErrorFields());
        Assert.Contains("Sleeping", list.GetProperty("errors").GetProperty("status")[0].GetString(), StringComparison.Ordinal);

        var probe = await admin.PostAsJsonAsync("/api/operations/orchestrations/probe", new { instanceId = "no spaces", workingDays = 0, waitSeconds = 0, effectDelayMs = -1 }, ct);
        Assert.Equal(["effectDelayMs", "instanceId", "waitSeconds", "workingDays"], (await probe.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var housing = platform.ClientFor("housing");
        Assert.Equal(HttpStatusCode.Forbidden, (await housing.GetAsync("/api/operations/orchestrations", ct)).StatusCode);
        await (await admin.GetAsync("/api/operations/orchestrations/nobody", ct)).ReadProblemAsync(HttpStatusCode.NotFound);
        var badEvent = await admin.PostAsync("/api/operations/orchestrations/nobody/events/probe-ack", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(["$"], (await badEvent.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    /// <summary>
    /// Under the Functions host the container holds no client (the extension's comes only through a binding); health must
    /// check the hub through the client it is bound, as the admin functions do, or it reports a reachable hub as unreachable.
    /// </summary>
    [Fact]
    public async Task Health_checks_the_task_hub_through_the_client_it_is_bound_not_the_container()
    {
        var hub = DurableAzuriteFixture.NewTaskHub();
        using var engine = Platform(hub);
        using var functionsHostLike = new PlatformFactory().With("Durable:TaskHub", hub);
        var ct = TestContext.Current.CancellationToken;
        var boundClient = engine.Services.GetRequiredService<DurableTaskClient>();
        Assert.Null(functionsHostLike.Services.GetService<DurableTaskClient>());

        using var scope = functionsHostLike.Services.CreateScope();
        var health = ActivatorUtilities.CreateInstance<Integration.Functions.Health.HealthFunctions>(scope.ServiceProvider);
        var request = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider }.Request;

        var reached = await health.GetHealth(request, boundClient, ct);
        Assert.Equal(200, reached.StatusCode);
        Assert.Equal("healthy", reached.Value!.Status);
        Assert.Equal(true, reached.Value.Checks["taskHub"].Data!["reachable"]);

        var unbound = await health.GetHealth(request, null, ct);
        Assert.Equal(false, unbound.Value!.Checks["taskHub"].Data!["reachable"]);
        Assert.Equal("The Durable Task engine is off on this instance.", unbound.Value.Checks["taskHub"].Description);
    }

    [Fact]
    public async Task With_the_engine_off_the_orchestration_endpoints_say_so()
    {
        using var platform = new PlatformFactory();
        using var admin = platform.ClientFor("admin");
        var ct = TestContext.Current.CancellationToken;

        await (await admin.GetAsync("/api/operations/orchestrations", ct)).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        await (await admin.PostAsJsonAsync("/api/operations/orchestrations/probe", new { }, ct)).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        var health = await platform.CreateClient().GetAsync("/api/health", ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private PlatformFactory Platform(string? hub = null) => new PlatformFactory()
        .With("Durable:Engine", "Local")
        .With("Durable:StorageConnectionString", azurite.ConnectionString)
        .With("Durable:TaskHub", hub ?? DurableAzuriteFixture.NewTaskHub());

    internal static async Task<JsonElement> WaitForStatusAsync(HttpClient admin, string instanceId, string status, CancellationToken ct) =>
        await WaitForAsync(admin, instanceId, d => d.GetProperty("status").GetString() == status, $"status {status}", ct);

    internal static async Task<JsonElement> WaitForStepAsync(HttpClient admin, string instanceId, string step, CancellationToken ct) =>
        await WaitForAsync(
            admin,
            instanceId,
            d => d.GetProperty("customStatus") is { ValueKind: JsonValueKind.Object } s && s.GetProperty("Step").GetString() == step,
            $"step {step}",
            ct);

    private static async Task<JsonElement> WaitForAsync(HttpClient admin, string instanceId, Func<JsonElement, bool> done, string what, CancellationToken ct)
    {
        var last = "nothing";
        JsonElement reached = default;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                var response = await admin.GetAsync($"/api/operations/orchestrations/{instanceId}", ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
                    return false;
                }

                var detail = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                last = detail.GetProperty("status").GetString() ?? "?";
                reached = detail;
                return done(detail);
            },
            Patience,
            $"{instanceId} reached {what}",
            () => last,
            ct);
        return reached;
    }
}
