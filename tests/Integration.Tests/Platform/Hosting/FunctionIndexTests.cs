using Integration.Functions.Platform.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Microsoft.DurableTask.Client;

namespace Integration.Tests.Platform.Hosting;

/// <summary>A function the worker could not run as the local host does stops the app at start-up.</summary>
[Trait("lane", "unit")]
public sealed class FunctionIndexTests
{
    [Fact]
    public void A_well_declared_function_is_indexed_with_its_route_methods_and_authorization()
    {
        var index = new FunctionIndex([typeof(Good)]);
        var http = Assert.IsType<HttpFunctionDescriptor>(index.Find("good"));
        Assert.Equal("http POST /api/things/{id}", http.Trigger);
        Assert.Equal("admin", Assert.Single(http.Authorize).Policy);
        Assert.Equal("timer %Things:Schedule%", index.Find("good-timer")!.Trigger);
    }

    [Fact]
    public void A_parameter_the_worker_would_not_bind_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new FunctionIndex([typeof(TakesAService)]));
        Assert.Contains("parameter 'time' (TimeProvider) is neither a route value, a CancellationToken nor a [DurableClient] DurableTaskClient", e.Message, StringComparison.Ordinal);
        Assert.Contains("parameter 'status' (String)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_durable_client_is_bound_only_where_it_carries_DurableClient_as_the_worker_needs()
    {
        var index = new FunctionIndex([typeof(TakesTheDurableClient)]);
        Assert.Equal("http GET /api/hub", index.Find("takes-the-durable-client")!.Trigger);
        Assert.Equal("timer %Hub:Schedule%", index.Find("takes-the-durable-client-timer")!.Trigger);

        var e = Assert.Throws<InvalidOperationException>(() => new FunctionIndex([typeof(TakesAnUnboundClient)]));
        Assert.Contains("Function 'unbound-client': parameter 'client' (DurableTaskClient)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Function 'unbound-client-timer': parameter 'client' (DurableTaskClient) cannot be bound", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_declared_twice_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new FunctionIndex([typeof(Good), typeof(Twice)]));
        Assert.Contains("Function 'good' is declared twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_http_function_must_say_who_may_call_it_and_leave_keys_to_the_app()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new FunctionIndex([typeof(Unguarded)]));
        Assert.Contains("say who may call it", e.Message, StringComparison.Ordinal);
        Assert.Contains("authorization level must be Anonymous", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trigger_the_local_host_does_not_run_is_refused_rather_than_silently_skipped()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new FunctionIndex([typeof(Queued)]));
        Assert.Contains("Function 'queued'", e.Message, StringComparison.Ordinal);
        Assert.Contains("queueTrigger trigger, which the local host does not run", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_apps_own_functions_are_all_hostable() => Assert.NotEmpty(FunctionIndex.ForApp.Functions);

    public sealed class Good
    {
        [Function("good")]
        [Authorize(Policy = "admin")]
        public static IResult Post([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "things/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
            Results.Ok(id);

        [Function("good-timer")]
        public static Task Tick([TimerTrigger("%Things:Schedule%")] TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public sealed class Twice
    {
        [Function("good")]
        [AllowAnonymous]
        public static IResult Again([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "again")] HttpRequest request) => Results.Ok();
    }

    public sealed class TakesTheDurableClient
    {
        [Function("takes-the-durable-client")]
        [AllowAnonymous]
        public static IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "hub")] HttpRequest request, [DurableClient] DurableTaskClient? client) =>
            Results.Ok(client?.Name);

        [Function("takes-the-durable-client-timer")]
        public static Task Tick([TimerTrigger("%Hub:Schedule%")] TimerInfo timer, [DurableClient] DurableTaskClient? client, CancellationToken cancellationToken) =>
            Task.CompletedTask;
    }

    public sealed class TakesAnUnboundClient
    {
        [Function("unbound-client")]
        [AllowAnonymous]
        public static IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "hub")] HttpRequest request, DurableTaskClient client) =>
            Results.Ok(client.Name);

        [Function("unbound-client-timer")]
        public static Task Tick([TimerTrigger("%Hub:Schedule%")] TimerInfo timer, DurableTaskClient client) => Task.CompletedTask;
    }

    public sealed class TakesAService
    {
        [Function("takes-a-service")]
        [AllowAnonymous]
        public static IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things")] HttpRequest request, TimeProvider time, string? status) =>
            Results.Ok(time.GetUtcNow().ToString(CultureInfo.InvariantCulture) + status);
    }

    public sealed class Unguarded
    {
        [Function("unguarded")]
        public static IResult Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "open")] HttpRequest request) => Results.Ok();
    }

    public sealed class Queued
    {
        [Function("queued")]
        public static Task Handle([QueueTrigger] string message) => Task.CompletedTask;
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class QueueTriggerAttribute : TriggerBindingAttribute;
}
