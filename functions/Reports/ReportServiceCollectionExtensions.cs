using Integration.Functions.Infrastructure.Artefacts;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Reports;

public static class ReportServiceCollectionExtensions
{
    /// <summary>Coordination reports: computed from the listing indexes, stored per period and version, fanned out per department.</summary>
    public static IServiceCollection AddCoordinationReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportOptions>()
            .Bind(configuration.GetSection(ReportOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddArtefactStore(configuration);
        services.AddSingleton<CoordinationReports>();
        services.AddSingleton<IDeadlineHandler, ReportDeadlines>();
        return services;
    }
}
