namespace Integration.Functions.Enforcement.Rosters;

public static class RosterServiceCollectionExtensions
{
    /// <summary>The enforcement library: officers per department, imported targets, the approvals' projects, the frozen roster.</summary>
    public static IServiceCollection AddEnforcementRosters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RosterOptions>().Bind(configuration.GetSection(RosterOptions.Section));
        services.AddSingleton<RosterSnapshots>();
        services.AddSingleton<RosterWriteLock>();
        services.AddSingleton<ApprovalTargets>();
        services.AddSingleton<EnforcementRosters>();
        services.AddSingleton<FrozenRosters>();
        services.AddHostedService<DevelopmentOfficers>();
        return services;
    }
}
