using Integration.Domain.Identity;

namespace Integration.Functions.Identity;

/// <summary>The <c>Municipality</c> configuration section: which departments and systems exist.</summary>
public sealed class MunicipalityOptions
{
    public const string Section = "Municipality";

    public string Name { get; set; } = "";

    /// <summary>GB/T 2260 code of the municipality, e.g. 371000 for 威海.</summary>
    public string RegionCode { get; set; } = "";

    public List<PrincipalOptions> Principals { get; set; } = [];

    public PrincipalRegistry ToRegistry() =>
        new(Name, Principals.Select(p => new Principal(p.Id, p.DisplayName, p.Roles)));
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
}
