using Integration.Domain.Identity;
using Integration.Domain.Routing;

namespace Integration.Functions.Identity;

/// <summary>The <c>Municipality</c> configuration section: which departments and systems exist.</summary>
public sealed class MunicipalityOptions
{
    public const string Section = "Municipality";

    public string Name { get; set; } = "";

    /// <summary>GB/T 2260 code of the municipality, e.g. 371000 for 威海.</summary>
    public string RegionCode { get; set; } = "";

    public List<PrincipalOptions> Principals { get; set; } = [];

    /// <summary>The coordinating department, which assigns what no line of the responsibility list covers.</summary>
    public string Coordinator { get; set; } = "ndrc";

    /// <summary>Industry code → display name.</summary>
    public Dictionary<string, string> Industries { get; set; } = [];

    /// <summary>The responsibility list (权责清单).</summary>
    public List<ResponsibilityOptions> Responsibilities { get; set; } = [];

    public PrincipalRegistry ToRegistry() =>
        new(Name, Principals.Select(p => new Principal(p.Id, p.DisplayName, p.Roles)));

    public ResponsibilityList ToResponsibilityList(PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new ResponsibilityList(
            Industries,
            Responsibilities.Select(r => new Responsibility(r.Industry, r.Departments, r.Region, r.Scope.Count == 0 ? null : r.Scope)),
            Coordinator,
            registry.IsDepartment);
    }
}

public sealed class ResponsibilityOptions
{
    public string Industry { get; set; } = "";

    public List<string> Departments { get; set; } = [];

    public string? Region { get; set; }

    public List<string> Scope { get; set; } = [];
}

public sealed class PrincipalOptions
{
    public string Id { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public List<PrincipalRole> Roles { get; set; } = [];
}

/// <summary>
/// The <c>Identity</c> configuration section. <see cref="ApiKeys"/> maps a principal id to the
/// SHA-256 hashes (lower-case hex) of its API keys; the keys themselves are never stored.
/// </summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    public Dictionary<string, List<string>> ApiKeys { get; set; } = [];

    /// <summary>
    /// Accept <c>dev-&lt;id&gt;</c> keys. Honoured only in the Development environment
    /// (<c>appsettings.Development.json</c> turns it on); ignored, with a warning, anywhere else.
    /// </summary>
    public bool DevelopmentKeys { get; set; }
}
