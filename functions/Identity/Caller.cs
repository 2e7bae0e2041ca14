using System.Security.Claims;
using Integration.Domain.Identity;

namespace Integration.Functions.Identity;

/// <summary>The authenticated principal of a request, bound as a handler parameter.</summary>
public sealed record Caller(Principal Principal)
{
    public string Id => Principal.Id;

    public static ValueTask<Caller?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var registry = context.RequestServices.GetRequiredService<PrincipalRegistry>();
        var principal = id is null ? null : registry.Find(id);
        return ValueTask.FromResult(principal is null ? null : new Caller(principal));
    }
}
