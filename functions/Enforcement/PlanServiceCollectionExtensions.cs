using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Enforcement;

public static class PlanServiceCollectionExtensions
{
    /// <summary>The plan flow's options (checked at start-up), its service, listing index, deadline handler and orchestration helpers.</summary>
    public static IServiceCollection AddEnforcementPlans(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PlanOptions>().Bind(configuration.GetSection(PlanOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlanOptions>, PlanOptionsValidation>();
        services.AddSingleton<PlanService>();
        services.AddSingleton<PlanProgress>();
        services.AddSingleton<FindingLeadRelay>();
        services.AddSingleton<IPlanRoster, LibraryPlanRoster>();
        services.AddSingleton<PlanIndex>();
        services.AddSingleton<IRecordProjection>(provider => provider.GetRequiredService<PlanIndex>());
        services.TryAddSingleton<PageTokens>();
        services.AddSingleton<IDeadlineHandler, PlanDeadlineHandler>();
        services.AddHostedService<PlanOrchestrationRecovery>();
        return services;
    }

    private sealed class PlanOptionsValidation : IValidateOptions<PlanOptions>
    {
        public ValidateOptionsResult Validate(string? name, PlanOptions options)
        {
            var problems = options.Problems().ToArray();
            return problems.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
