using Integration.Functions.Audit;
using Integration.Functions.Calendar;
using Integration.Functions.Health;
using Integration.Functions.Identity;
using Integration.Functions.Operations;
using Integration.Functions.Platform;

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
        return functions;
    }
}
