namespace Integration.Domain.Identity;

/// <summary>What a principal may do. A principal can hold several roles.</summary>
public enum PrincipalRole
{
    /// <summary>A supervisory or partner department: claims approvals, handles leads.</summary>
    Department,

    /// <summary>The coordinating department (发展改革委): assigns, starts joint enforcement, sees everything.</summary>
    Coordinator,

    /// <summary>An external system that syncs automatically (approval system, trading centre).</summary>
    System,

    /// <summary>Operates the platform: dead letters, quarantine, audit.</summary>
    Admin,
}

/// <summary>A department or system the platform acts for, e.g. <c>housing</c> (住房和城乡建设局).</summary>
public sealed record Principal(string Id, string DisplayName, IReadOnlyList<PrincipalRole> Roles)
{
    public bool Has(PrincipalRole role) => Roles.Contains(role);

    /// <summary>Coordinators and admins see every record; everyone else sees only their own.</summary>
    public bool SeesEverything => Has(PrincipalRole.Coordinator) || Has(PrincipalRole.Admin);
}
