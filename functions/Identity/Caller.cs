using System.Security.Claims;
using Integration.Domain.Identity;

namespace Integration.Functions.Identity;

/// <summary>The authenticated principal of a request.</summary>
public sealed record Caller(Principal Principal)
{
    public string Id => Principal.Id;

    /// <summary>The authenticated caller of a request; a function behind <c>[Authorize]</c> always has one.</summary>
    public static Caller Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.HttpContext.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var registry = request.HttpContext.RequestServices.GetRequiredService<PrincipalRegistry>();
        return (id is null ? null : registry.Find(id)) is { } principal
            ? new Caller(principal)
            : throw new InvalidOperationException("The request has no authenticated principal: the function needs [Authorize].");
    }
}
