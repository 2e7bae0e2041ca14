using Integration.Functions.Approvals;
using Integration.Domain.Identity;
using Integration.Functions.Enforcement;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Leads;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports;

namespace Integration.Functions;

/// <summary>
/// What the features declare beyond their <c>[Function]</c> methods (which <c>FunctionIndex</c>
/// finds): the topics they publish to and the subscriptions other systems read.
/// </summary>
public static class AppFunctions
{
    /// <summary>The topics and subscriptions the functions publish to and consume from.</summary>
    public static TopicTopology Topology(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new TopicTopology
        {
            Topics =
            [
                .. ApprovalFunctions.Topics(registry),
                .. LeadFunctions.Topics(registry),
                .. PlanFunctions.Topics(registry),
                .. CoordinationReports.Topics(registry),
            ],
        };
    }
}
