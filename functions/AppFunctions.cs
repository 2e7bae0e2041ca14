using Integration.Functions.Approvals;
using Integration.Functions.Identity;
using Integration.Domain.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Leads;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Records;

namespace Integration.Functions;

/// <summary>The one list of the app's functions, feature by feature.</summary>
public static class AppFunctions
{
    public static FunctionCatalogue Catalogue()
    {
        var functions = new FunctionCatalogue();
        return functions;
    }

    /// <summary>The topics and subscriptions the functions publish to and consume from.</summary>
    public static TopicTopology Topology(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new TopicTopology
        {
            Topics =
            [
                DurableFunctions.Topic(),
                .. ApprovalFunctions.Topics(registry),
                .. LeadFunctions.Topics(registry),
            ],
        };
    }
}
