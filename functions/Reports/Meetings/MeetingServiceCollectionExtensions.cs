using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Integration.Functions.Reports.Meetings;

public static class MeetingServiceCollectionExtensions
{
    /// <summary>The coordination meetings: their service, the action-item index (a record projection) and the action items' clocks.</summary>
    public static IServiceCollection AddCoordinationMeetings(this IServiceCollection services)
    {
        services.AddSingleton<MeetingService>();
        services.AddSingleton<MeetingActionIndex>();
        services.AddSingleton<IRecordProjection>(provider => provider.GetRequiredService<MeetingActionIndex>());
        services.TryAddSingleton<PageTokens>();
        services.AddSingleton<IDeadlineHandler, MeetingDeadlines>();
        return services;
    }
}
