using System.Text.Json.Serialization;
using Integration.Functions;
using Integration.Functions.Approvals;
using Integration.Functions.Calendar;
using Integration.Functions.Health;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure;
using Integration.Functions.Leads;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Orchestrations;

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

var builder = WebApplication.CreateBuilder(args);

// The municipality's departments and systems are a file of their own: another city, another file.
builder.Configuration.AddJsonFile(builder.Configuration["Municipality:File"] ?? "Municipalities/weihai.json", optional: false);

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o =>
{
    o.IncludeScopes = true;
    o.UseUtcTimestamp = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
});

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
builder.Services.AddFunctionHost(catalogue, AppFunctions.Topology(registry), builder.Configuration);

// Durable Task: the local engine (sidecar over Azure Storage, Azurite by default), worker and client; Durable:* keys.
builder.Services.AddDurableTask(catalogue, builder.Configuration);
builder.Services.AddSingleton<Integration.Functions.Operations.OrchestrationAdmin>();

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

/// <summary>Entry point, visible to the API tests' WebApplicationFactory.</summary>
public partial class Program;
