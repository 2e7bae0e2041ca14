using System.Text.Json.Serialization;
using Integration.Domain.Identity;
using Integration.Functions.Approvals;
using Integration.Functions.Calendar;
using Integration.Functions.Enforcement;
using Integration.Functions.Enforcement.Rosters;
using Integration.Functions.Health;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure;
using Integration.Functions.Infrastructure.ServiceBus;
using Integration.Functions.Leads;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports;

namespace Integration.Functions;

/// <summary>
/// The services every feature needs, registered once for both hosts (the Functions worker and the
/// local host): the composition root, the only place that reads the wall clock (through
/// <see cref="TimeProvider.System"/>) and that knows which adapters back the ports.
/// </summary>
public static class AppComposition
{
    public static PrincipalRegistry AddApp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The municipality's departments and systems are a file of their own: another city, another file.
        builder.Configuration.AddJsonFile(builder.Configuration["Municipality:File"] ?? "Municipalities/weihai.json", optional: false);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddTableStore(builder.Configuration);
        services.PostConfigure<StorageOptions>(o => o.DataPath = Path.GetFullPath(o.DataPath, builder.Environment.ContentRootPath));
        services.AddSingleton(CalendarSource.FromConfiguration(builder.Configuration, builder.Environment));
        var registry = services.AddPlatformIdentity(builder.Configuration, builder.Environment);
        services.AddSingleton<SecurityHeaderPolicy>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = PlatformProblemDetails.Customize);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never);
        services.AddHealthChecks().AddCheck<TableStoreHealthCheck>("store").AddCheck<IdentityHealthCheck>(IdentityHealthCheck.Name);
        services.AddApprovals(builder.Configuration);
        services.AddLeads(builder.Configuration);
        services.AddEnforcementPlans(builder.Configuration);
        services.AddEnforcementRosters(builder.Configuration);
        services.AddCoordinationReports(builder.Configuration);
        var topology = AppFunctions.Topology(registry);
        services.AddDurablePlatform(topology, builder.Configuration);

        // Messaging:Provider: the embedded bus (default) or Service Bus for the topics other systems read.
        services.AddMessaging(builder.Configuration, topology);
        return registry;
    }
}
