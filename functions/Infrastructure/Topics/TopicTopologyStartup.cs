using Microsoft.Extensions.Hosting;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>Applies the topology before any consumer starts polling (hosted services start in registration order).</summary>
internal sealed class TopicTopologyStartup(TopicTopologyInstaller installer, TopicTopology topology) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => installer.EnsureTopologyAsync(topology, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
