using System.Text.RegularExpressions;

namespace Integration.Domain.Identity;

/// <summary>
/// The departments and systems of one municipality. It comes from configuration, so another
/// municipality is another file, not a code change.
/// </summary>
public sealed partial class PrincipalRegistry
{
    private readonly Dictionary<string, Principal> byId;

    public PrincipalRegistry(string municipality, IEnumerable<Principal> principals)
    {
        ArgumentNullException.ThrowIfNull(principals);
        Municipality = municipality;
        var problems = new List<string>();
        byId = new Dictionary<string, Principal>(StringComparer.Ordinal);
        foreach (var p in principals)
        {
            if (!IdPattern().IsMatch(p.Id))
            {
                problems.Add($"'{p.Id}': an id is lower-case letters, digits and dashes");
            }
            else if (string.IsNullOrWhiteSpace(p.DisplayName))
            {
                problems.Add($"'{p.Id}': a display name is required");
            }
            else if (p.Roles.Count == 0)
            {
                problems.Add($"'{p.Id}': at least one role is required");
            }
            else if (!byId.TryAdd(p.Id, p))
            {
                problems.Add($"'{p.Id}': listed twice");
            }
        }

        if (byId.Count == 0)
        {
            problems.Add("no principals are configured");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"The principal registry of {municipality} is invalid: {string.Join("; ", problems)}");
        }
    }

    public string Municipality { get; }

    public IEnumerable<Principal> All => byId.Values;

    public Principal? Find(string id) => byId.GetValueOrDefault(id);

    public bool IsDepartment(string id) => Find(id)?.Has(PrincipalRole.Department) == true;

    [GeneratedRegex("^[a-z][a-z0-9-]{1,40}$")]
    private static partial Regex IdPattern();
}
