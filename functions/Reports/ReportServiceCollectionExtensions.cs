using Integration.Functions.Infrastructure.Artefacts;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports.Meetings;

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

        // A version asked for is pending in its record until published: started again at start-up and by its check deadline.
        services.AddSingleton<ReportRequests>();
        services.AddSingleton<IDeadlineHandler, ReportRunCheck>();
        services.AddHostedService<ReportRunRecovery>();

        // The meeting each report feeds, and its action items (counted in the next report).
        services.AddCoordinationMeetings();
        return services;
    }
}
