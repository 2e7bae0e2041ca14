namespace Integration.Functions.Enforcement.Rosters;

/// <summary>
/// An officer of a department's enforcement library (执法检查人员名录库). <see cref="OfficerId"/> identifies the officer
/// across all departments, since a draw names the officers it picks by id alone; <see cref="Recuse"/> holds the owners
/// (unified social credit codes) the officer must not inspect.
/// </summary>
public sealed record Officer(string OfficerId, string Name, string CredentialNo, bool Active, IReadOnlyList<string> Recuse);

/// <summary>
/// A target of the enforcement library (检查对象名录库): a project from the approvals (targetId = project code) or an
/// imported one. <see cref="Region"/> is a GB/T 2260 code, <see cref="Industry"/> a code of the municipality's catalogue,
/// <see cref="Stratum"/> the sampling class the draw uses (null: <c>all</c>).
/// </summary>
public sealed record EnforcementTarget(string TargetId, string Name, string CreditCode, string Region, string Industry, string? Stratum)
{
    public const string DefaultStratum = "all";

    public string StratumOrDefault => Stratum ?? DefaultStratum;
}

/// <summary>A department's officer list as stored, with who replaced it last and when.</summary>
public sealed record OfficerList(string Department, IReadOnlyList<Officer> Officers, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>The imported targets as stored.</summary>
public sealed record ImportedTargetList(IReadOnlyList<EnforcementTarget> Targets, DateTimeOffset? UpdatedAt, string? UpdatedBy);
