using System.Security.Claims;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Identity.EntraId;

/// <summary>
/// Turns a validated Entra ID token into a principal of the registry by its <c>roles</c> claim: app roles assigned to a
/// user (console) or granted to a client application (a system calling the API) both arrive there. Exactly one principal
/// must match; none or several is refused, because acting as an arbitrary one of several departments would be a guess.
/// </summary>
public sealed class EntraIdPrincipalMap
{
    public const string RolesClaim = "roles";

    private readonly Dictionary<string, Principal> byRole = new(StringComparer.Ordinal);

    public EntraIdPrincipalMap(PrincipalRegistry registry, IOptions<EntraIdOptions> options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        // EntraIdOptionsValidation has refused unknown principals and role values shared by two principals.
        foreach (var (id, configured) in options.Value.Principals)
        {
            if (registry.Find(id) is { } principal)
            {
                foreach (var value in EntraIdOptions.RoleValues(configured))
                {
                    byRole.TryAdd(value, principal);
                }
            }
        }
    }

    public (Principal? Principal, string? Problem) Resolve(ClaimsPrincipal token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var roles = token.FindAll(RolesClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray();
        var matched = roles.Where(byRole.ContainsKey).Select(r => byRole[r]).DistinctBy(p => p.Id).ToArray();
        return matched switch
        {
            [var one] => (one, null),
            [] when roles.Length == 0 =>
                (null, "The token carries no app role: assign the app role of a department or system to this user or application."),
            [] => (null, $"The token's app roles ({string.Join(", ", roles.Take(10).Select(TextRules.Echo))}) map to no principal of Identity:EntraId:Principals."),
            _ => (null, $"The token's app roles map to several principals ({string.Join(", ", matched.Select(p => p.Id))}): assign only one."),
        };
    }

    /// <summary>The same claims an API key gives, under <paramref name="scheme"/>; nothing of the token is kept.</summary>
    public static ClaimsPrincipal ClaimsFor(Principal principal, string scheme, string nameType = ClaimTypes.NameIdentifier) =>
        new(new ClaimsIdentity(PrincipalClaims.For(principal), scheme, nameType, ClaimTypes.Role));
}
