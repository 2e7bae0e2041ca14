using Integration.Functions;
using Integration.Functions.Console;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;

// One program, two hosts of the same [Function] methods (docs/architecture.md, "Two hosts").
if (FunctionsHost.LaunchedThisProcess(args, Environment.GetEnvironmentVariable))
{
    // Started by the Azure Functions host: an isolated worker with the ASP.NET Core integration.
    var worker = FunctionsApplication.CreateBuilder(args);
    worker.ConfigureFunctionsWebApplication();
    worker.UseMiddleware<HttpFunctionMiddleware>();
    worker.Services.AddSingleton(FunctionIndex.ForApp); // checks every declaration at start-up, as the local host does
    worker.AddApp();
    worker.Services.AddDurableOnFunctionsHost(worker.Configuration);
    worker.Build().Run();
    return;
}

if (args is ["export-topology", var parametersFile, .. var rest])
{
    // Writes the topics and per-department subscriptions as the parameters file of infra/main.bicep.
    var municipalityFile = rest is [var file] ? file : Path.Combine(AppContext.BaseDirectory, "Municipalities", "weihai.json");
    var municipalityRegistry = TopologyExport.LoadRegistry(municipalityFile);
    Console.WriteLine(TopologyExport.Write(AppFunctions.Topology(municipalityRegistry), municipalityRegistry, parametersFile));
    return;
}

// Without a Functions host: the same functions on ASP.NET Core, timers on the app's own scheduler.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = LaunchProfileEnvironment(args) });
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

builder.Logging.AddPlatformConsole(builder.Environment);

// Requests Kestrel refuses before the app sees them (414, 431, malformed request lines) still answer problem+json.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseProblemRefusals()));

builder.AddApp();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
builder.Services.AddOpenApi(openApi => openApi.AddOperationTransformer<RequestBodyTransformer>());
builder.Services.AddLocalFunctionHost(FunctionIndex.ForApp);

// The web console for people (/console): served by this host only, not a function (docs/architecture.md, "Console").
builder.Services.AddConsole();
builder.Services.AddConsoleEntraSignIn(builder.Configuration); // Identity:EntraId: 使用统一身份认证登录 when configured

// Durable Task: the local engine (sidecar over Azure Storage, Azurite by default), worker and client; Durable:* keys.
builder.Services.AddLocalDurableTask(FunctionIndex.ForApp, builder.Configuration);

var app = builder.Build();

app.UseSecurityHeaders();
app.UseCorrelation();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapPlatformOpenApi(); // OpenApi:Public, else a signed-in caller
app.MapFunctions(FunctionIndex.ForApp);
app.MapConsole();

app.Run();

// `dotnet run` sets its launch profile's variables over the operator's own, so the profile cannot name
// the environment without overriding ASPNETCORE_ENVIRONMENT=Production. It names a default instead,
// used only when the operator names no environment at all.
static string? LaunchProfileEnvironment(string[] args) =>
    Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null
    && Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is null
    && !args.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase))
        ? Environment.GetEnvironmentVariable("INTEGRATION_DEFAULT_ENVIRONMENT")
        : null;

/// <summary>Entry point, visible to the API tests' WebApplicationFactory.</summary>
public partial class Program;
