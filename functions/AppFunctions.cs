using Integration.Functions.Approvals;
using Integration.Functions.Audit;
using Integration.Functions.Calendar;
using Integration.Functions.Health;
using Integration.Functions.Identity;
using Integration.Functions.Operations;
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
        HealthFunctions.Register(functions);
        CalendarFunctions.Register(functions);
        IdentityFunctions.Register(functions);
        AuditFunctions.Register(functions);
        CalendarAdminFunctions.Register(functions);
        DeadLetterFunctions.Register(functions);
        OrchestrationAdminFunctions.Register(functions);
        DurableFunctions.Register(functions);
        ApprovalFunctions.Register(functions);
        LeadFunctions.Register(functions);
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
