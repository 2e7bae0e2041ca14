using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>
/// The local Durable Task engine: the task hub in Azure Storage (a configured account, or the pinned Azurite the app
/// starts itself), DTFx's Azure Storage provider over it, and the Durable Task sidecar serving it over gRPC on loopback,
/// for the worker and the client of this process. Registered before the worker, so the worker finds the sidecar up;
/// stopped after it.
/// </summary>
public sealed partial class DurableEngine(
    IOptions<DurableOptions> options,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILoggerFactory loggerFactory,
    SidecarEndpoint endpoint) : IHostedService, IAsyncDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<DurableEngine>();
    private AzuriteProcess? azurite;
    private WebApplication? sidecar;
    private SidecarCompatibleOrchestrationService? compatible;

    public string TaskHub => options.Value.TaskHub;

    /// <summary>Where the task hub lives, for health and logs (never the connection string: it holds the key).</summary>
    public string Storage { get; private set; } = "not started";

    /// <summary>The provider, once started: the client side of the task hub (queries, purge, history).</summary>
    public AzureStorageOrchestrationService? Service { get; private set; }

    /// <summary>
    /// The history of an instance's latest execution as the provider stores it (JSON, one object per event), read from
    /// the provider: the sidecar's history call passes an empty execution id, which the Azure Storage provider matches
    /// against nothing.
    /// </summary>
    public async Task<System.Text.Json.JsonElement> GetHistoryAsync(string instanceId)
    {
        var service = Service ?? throw new InvalidOperationException("The Durable Task engine has not started.");
        var json = await service.GetOrchestrationHistoryAsync(instanceId, executionId: null);
        return Platform.JsonText.ToElement(string.IsNullOrEmpty(json) ? "[]" : json);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var connectionString = await StorageConnectionStringAsync(settings, cancellationToken);
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = settings.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            WorkItemQueueVisibilityTimeout = settings.WorkItemVisibilityTimeout,
            MaxQueuePollingInterval = settings.MaxQueuePollingInterval,
            PartitionCount = settings.PartitionCount,
            LoggerFactory = loggerFactory,
        });
        await service.CreateIfNotExistsAsync();
        Service = service;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DurableEngine).Assembly.GetName().Name,
            ContentRootPath = environment.ContentRootPath,
            EnvironmentName = environment.EnvironmentName,
        });

        // None of the app's configuration applies: its urls (ASPNETCORE_URLS) are not the sidecar's loopback port.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [WebHostDefaults.ServerUrlsKey] = string.Empty,
            ["http_ports"] = string.Empty,
            ["https_ports"] = string.Empty,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, endpoint.RequestedPort, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        compatible = new SidecarCompatibleOrchestrationService(service);
        builder.Services.AddSingleton<IOrchestrationService>(compatible);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(cancellationToken);

        // The listener took its own port (0 asks for a free one): read it back rather than reserve one beforehand.
        endpoint.Bind(new Uri(sidecar.Urls.Single()).Port);
        LogStarted(settings.TaskHub, Storage, endpoint.Address!);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (sidecar is not null)
        {
            await sidecar.StopAsync(cancellationToken);
        }

        // A host stopped before the sidecar started the provider (a short test, a failed start) has nothing to release.
        if (Service is not null && compatible is { Started: true })
        {
            // The sidecar stops its dispatchers without waiting; stopping the provider here releases its leases now,
            // so the next start does not wait for them to expire.
            await Service.StopAsync(isForced: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (sidecar is not null)
        {
            await sidecar.DisposeAsync();
            sidecar = null;
        }

        azurite?.Dispose();
        azurite = null;
    }

    private async Task<string> StorageConnectionStringAsync(DurableOptions settings, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(settings.StorageConnectionString))
        {
            Storage = "Durable:StorageConnectionString";
            return settings.StorageConnectionString;
        }

        var storage = configuration["Storage:ConnectionString"];
        if (!string.IsNullOrWhiteSpace(storage))
        {
            Storage = "Storage:ConnectionString";
            return storage;
        }

        var package = AzuriteProcess.FindPackageFolder(environment.ContentRootPath)
            ?? throw new InvalidOperationException(
                "No task hub storage is configured (Durable:StorageConnectionString) and the pinned Azurite (shared/azurite) " +
                $"was not found above {environment.ContentRootPath}.");
        var data = Path.GetFullPath(settings.AzuriteDataPath, environment.ContentRootPath);
        try
        {
            azurite = await AzuriteProcess.StartAsync(new AzuriteStart(package, AzuriteServices.BlobQueueTable, data), cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(
                $"The Durable Task engine needs Azure Storage: starting the pinned Azurite failed ({e.Message}). Install Node.js 20, " +
                "or set Durable:StorageConnectionString, or Durable:Engine=Off to run without orchestrations.", e);
        }

        Storage = $"Azurite {azurite.Version} started by the app (pid {azurite.Process.Id}{(azurite.Adopted ? ", adopted" : "")}), data in {settings.AzuriteDataPath}";
        return azurite.ConnectionString;
    }

    [LoggerMessage(LogLevel.Information, "Durable Task engine: task hub {TaskHub} on {Storage}; sidecar on {Address}")]
    private partial void LogStarted(string taskHub, string storage, Uri address);
}
