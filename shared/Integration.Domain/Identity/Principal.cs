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

    /// <summary>Whether this principal may read a record whose parties are <paramref name="parties"/> (see <see cref="RecordAccess"/>).</summary>
    public bool MayRead(IEnumerable<string> parties) => RecordAccess.MayRead(Id, SeesEverything, parties);
}

/// <summary>
/// The one rule of who may read a record, whatever its flow: those who see everything read every
/// record; anyone else only a record that names it as a party (the system that sent it, a department
/// it went to). Each flow says who its parties are; who may act is then the flow's own decision.
/// </summary>
public static class RecordAccess
{
    public static bool MayRead(string viewer, bool seesEverything, IEnumerable<string> parties)
    {
        ArgumentNullException.ThrowIfNull(parties);
        return seesEverything || parties.Contains(viewer, StringComparer.Ordinal);
    }
}
