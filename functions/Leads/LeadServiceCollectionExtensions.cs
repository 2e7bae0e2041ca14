using Integration.Domain.Approvals;
using Integration.Domain.Identity;
using Integration.Functions.Platform.Records;
using Integration.Functions.Platform;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Leads;

public static class LeadServiceCollectionExtensions
{
    /// <summary>The lead flow's options (checked at start-up), its service and its deadline handler.</summary>
    public static IServiceCollection AddLeads(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<LeadOptions>().Bind(configuration.GetSection(LeadOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LeadOptions>, LeadOptionsValidation>();

        // IProjectSupervision (who claimed a project's approval) comes from the approval flow.
        services.AddSingleton<LeadService>();
        services.AddSingleton<LeadIndex>();
        services.AddSingleton<IRecordProjection>(provider => provider.GetRequiredService<LeadIndex>());
        services.TryAddSingleton<PageTokens>();
        services.AddHostedService<LeadIndexBackfill>();
        services.AddSingleton<IDeadlineHandler, LeadDeadlineHandler>();
        return services;
    }

    private sealed class LeadOptionsValidation(PrincipalRegistry registry, IConfiguration configuration) : IValidateOptions<LeadOptions>
    {
        public ValidateOptionsResult Validate(string? name, LeadOptions options)
        {
            var problems = options.Problems(registry, configuration).ToArray();
            return problems.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
