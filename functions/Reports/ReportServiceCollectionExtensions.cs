using Integration.Functions.Platform.Records;

namespace Integration.Functions.Reports;

public static class ReportServiceCollectionExtensions
{
    /// <summary>Coordination reports: computed from the listing indexes, stored per period and version, fanned out per department.</summary>
    public static IServiceCollection AddCoordinationReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportOptions>()
            .Bind(configuration.GetSection(ReportOptions.Section))
            .Validate(o => o.NamedBelowRate is >= 0m and <= 1m, $"{ReportOptions.Section}:{nameof(ReportOptions.NamedBelowRate)} must be from 0 to 1.")
            .Validate(o => ReportOptions.Periods.Contains(o.Period), $"{ReportOptions.Section}:{nameof(ReportOptions.Period)} must be one of: {string.Join(", ", ReportOptions.Periods)}.")
            .Validate(o => o.AckWorkingDays is >= 1 and <= 60, $"{ReportOptions.Section}:{nameof(ReportOptions.AckWorkingDays)} must be from 1 to 60.")
            .ValidateOnStart();
        services.AddSingleton<CoordinationReports>();
        services.AddSingleton<IDeadlineHandler, ReportDeadlines>();
        return services;
    }
}
