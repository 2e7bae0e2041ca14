using Microsoft.AspNetCore.Authentication;

namespace Integration.Functions.Platform.Hosting;

/// <summary>
/// Who may read the OpenAPI document: anyone when <c>OpenApi:Public</c> is true (as in Development), otherwise a
/// signed-in caller, answered like any function's refusal (401 problem with <c>WWW-Authenticate</c>). The document
/// lists every route and field, which a deployment need not tell strangers. The local host runs no authorization
/// middleware (see <see cref="HttpFunctionPipeline"/>), so the document's endpoint authenticates for itself.
/// </summary>
public static class OpenApiAccess
{
    public const string PublicKey = "OpenApi:Public";

    public static IEndpointConventionBuilder MapPlatformOpenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var document = app.MapOpenApi();
        if (!app.Configuration.GetValue<bool>(PublicKey))
        {
            document.AddEndpointFilter(SignedInOnlyAsync);
        }

        return document;
    }

    private static async ValueTask<object?> SignedInOnlyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if ((await http.AuthenticateAsync()).Principal is { Identity.IsAuthenticated: true } user)
        {
            http.User = user;
            return await next(context);
        }

        await http.ChallengeAsync();
        return Results.Empty;
    }
}
