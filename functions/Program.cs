using System.Text.Json.Serialization;
using Integration.Functions;
using Integration.Functions.Approvals;
using Integration.Functions.Calendar;
using Integration.Functions.Health;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure;
using Integration.Functions.Infrastructure.ServiceBus;
using Integration.Functions.Leads;
using Integration.Functions.Platform;

// The composition root: the only place that reads the wall clock (through TimeProvider.System)
// and that knows which adapters back the ports.
if (args is ["export-functions", var folder])
{
    // Writes one function.json per function for an Azure Functions custom-handler deployment.
    foreach (var file in FunctionManifest.Write(AppFunctions.Catalogue(), folder))
    {
        Console.WriteLine(file);
    }

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

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = LaunchProfileEnvironment(args) });

// The municipality's departments and systems are a file of their own: another city, another file.
builder.Configuration.AddJsonFile(builder.Configuration["Municipality:File"] ?? "Municipalities/weihai.json", optional: false);

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

builder.Logging.AddPlatformConsole(builder.Environment);

// Requests Kestrel refuses before the app sees them (414, 431, malformed request lines) still answer problem+json.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseProblemRefusals()));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddTableStore(builder.Configuration);
builder.Services.PostConfigure<StorageOptions>(o => o.DataPath = Path.GetFullPath(o.DataPath, builder.Environment.ContentRootPath));
builder.Services.AddSingleton(CalendarSource.FromConfiguration(builder.Configuration, builder.Environment));
var registry = builder.Services.AddPlatformIdentity(builder.Configuration, builder.Environment);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = PlatformProblemDetails.Customize);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never);
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<TableStoreHealthCheck>("store");
builder.Services.AddApprovals(builder.Configuration);
builder.Services.AddLeads(builder.Configuration);

var catalogue = AppFunctions.Catalogue();
var topology = AppFunctions.Topology(registry);
builder.Services.AddFunctionHost(catalogue, topology, builder.Configuration);

// Messaging:Provider: the embedded bus (default) or Service Bus for the topics other systems read.
builder.Services.AddMessaging(builder.Configuration, topology);

var app = builder.Build();

app.UseCorrelation();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseRequestLogging();
app.UseAuthorization();

app.MapOpenApi();
app.MapFunctions(catalogue);

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
