using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Integration.Functions.Operations;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P = Microsoft.DurableTask.Protobuf;

namespace Integration.Tests.Orchestrations;

/// <summary>
/// Under the Functions host the admin endpoint's client talks to the Durable extension's own gRPC endpoint
/// (<c>LocalGrpcListener</c>), which serves instances, queries, events, termination and purge but not
/// <c>StreamInstanceHistory</c>. No Functions host runs here, so a real gRPC server on loopback stands in for that
/// endpoint, serving exactly what it serves; the endpoint's client is the real gRPC client of the worker.
/// </summary>
[Trait("lane", "integration")]
public sealed class FunctionsHostHistoryTests
{
    [Fact]
    public async Task An_instance_is_shown_with_a_history_unavailable_problem_when_the_host_does_not_serve_history()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hostEndpoint = await StartHostLikeEndpointAsync(ct);
        using var channel = GrpcChannel.ForAddress(hostEndpoint.Urls.Single());
        var clientServices = new ServiceCollection().AddLogging();
        clientServices.AddDurableTaskClient(b => b.UseGrpc(channel));
        await using var clientProvider = clientServices.BuildServiceProvider();
        var client = clientProvider.GetRequiredService<DurableTaskClient>();

        // The engine is off, as under the Functions host: the container has no engine, only the bound client.
        using var platform = new PlatformFactory().With("Durable:TaskHub", "hostHub");
        using var scope = platform.Services.CreateScope();
        var functions = ActivatorUtilities.CreateInstance<OrchestrationFunctions>(scope.ServiceProvider);
        var request = new DefaultHttpContext { RequestServices = scope.ServiceProvider }.Request;

        var result = await functions.Get(request, "plan-2026-0001", client, ct);

        var detail = Assert.IsType<Ok<OrchestrationDetail>>(result).Value!;
        Assert.Equal("Completed", detail.Status);
        Assert.Equal("joint-enforcement-plan", detail.Name);
        Assert.Null(detail.History);
        var problem = detail.HistoryUnavailable!;
        Assert.Equal(501, problem.Status);
        Assert.Equal("history-unavailable", problem.Code);
        Assert.Contains("'hostHubHistory'", problem.Detail, StringComparison.Ordinal);

        // An unknown instance is still a 404, not the history problem.
        var missing = await functions.Get(request, "nobody", client, ct);
        Assert.Equal((int)HttpStatusCode.NotFound, Assert.IsAssignableFrom<IStatusCodeHttpResult>(missing).StatusCode);
    }

    private static async Task<WebApplication> StartHostLikeEndpointAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<HostLikeSidecar>();
        await app.StartAsync(ct);
        return app;
    }

    /// <summary>What the extension's endpoint answers for the calls the admin endpoint makes; history is left unimplemented.</summary>
    private sealed class HostLikeSidecar : P.TaskHubSidecarService.TaskHubSidecarServiceBase
    {
        public override Task<P.GetInstanceResponse> GetInstance(P.GetInstanceRequest request, ServerCallContext context)
        {
            if (request.InstanceId != "plan-2026-0001")
            {
                return Task.FromResult(new P.GetInstanceResponse { Exists = false });
            }

            var at = Timestamp.FromDateTime(new DateTime(2026, 11, 20, 2, 0, 0, DateTimeKind.Utc));
            return Task.FromResult(new P.GetInstanceResponse
            {
                Exists = true,
                OrchestrationState = new P.OrchestrationState
                {
                    InstanceId = request.InstanceId,
                    Name = "joint-enforcement-plan",
                    OrchestrationStatus = P.OrchestrationStatus.Completed,
                    CreatedTimestamp = at,
                    LastUpdatedTimestamp = at,
                    Output = "\"done\"",
                },
            });
        }
    }
}
