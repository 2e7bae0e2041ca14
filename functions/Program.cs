using Integration.Functions;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
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
    worker.Build().Run();
    return;
}

// Without a Functions host: the same functions on ASP.NET Core, timers on the app's own scheduler.
var builder = WebApplication.CreateBuilder(args);
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

builder.AddApp();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
builder.Services.AddOpenApi();
builder.Services.AddLocalFunctionHost(FunctionIndex.ForApp);

var app = builder.Build();

app.UseCorrelation();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapOpenApi();
app.MapFunctions(FunctionIndex.ForApp);

app.Run();

/// <summary>Entry point, visible to the API tests' WebApplicationFactory.</summary>
public partial class Program;
