using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;

namespace Integration.Functions.Enforcement.Rosters;

/// <summary>
/// The enforcement library (双随机 名录库): each department's officers and the targets (the approvals' projects plus an
/// imported list), and the roster a plan freezes from them for its draw (DRAW-v1, docs/draw.md).
/// </summary>
public sealed class EnforcementRosters(RosterSnapshots snapshots, RosterWriteLock writeLock, ApprovalTargets approvalTargets, PrincipalRegistry registry)
{
    public const string ImportedTargetsPartition = "targets|imported";

    public static string OfficersPartition(string department) => "officers|" + department;

    /// <summary>
    /// Targets in scope (an empty list means any; region = the target's GB/T 2260 code, industry = catalogue code),
    /// sorted by targetId (ordinal), each with its stratum (<c>all</c> when none), and the active officers of the
    /// participants, sorted by department then officerId: DRAW-v1's frozen roster.
    /// </summary>
    public async Task<DrawRoster> FreezeAsync(
        IReadOnlyCollection<string> regions, IReadOnlyCollection<string> industries, IReadOnlyCollection<string> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(industries);
        ArgumentNullException.ThrowIfNull(participants);
        var inRegions = regions.ToHashSet(StringComparer.Ordinal);
        var inIndustries = industries.ToHashSet(StringComparer.Ordinal);
        var targets = (await TargetsAsync(cancellationToken))
            .Where(t => (inRegions.Count == 0 || inRegions.Contains(t.Region)) && (inIndustries.Count == 0 || inIndustries.Contains(t.Industry)))
            .Select(t => new DrawTarget(t.TargetId, t.StratumOrDefault, t.CreditCode));

        var officers = new List<DrawOfficer>();
        foreach (var department in participants.Distinct(StringComparer.Ordinal))
        {
            officers.AddRange((await OfficersAsync(department, cancellationToken)).Where(o => o.Active).Select(o => new DrawOfficer(department, o.OfficerId, o.Recuse)));
        }

        var (roster, problem) = DrawRoster.Create(targets, officers);
        return roster ?? throw new InvalidOperationException($"The enforcement library cannot be frozen into a roster: {problem}");
    }

    /// <summary>The department's officers as stored, active or not; none when it never stored a list.</summary>
    public async Task<IReadOnlyList<Officer>> OfficersAsync(string department, CancellationToken cancellationToken) =>
        (await ReadOfficersAsync(department, cancellationToken)).Officers;

    public async Task<OfficerList> ReadOfficersAsync(string department, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(department);
        var stored = await snapshots.ReadAsync<Officer>(OfficersPartition(department), cancellationToken);
        return new OfficerList(department, stored?.Items ?? [], stored?.UpdatedAt, stored?.UpdatedBy);
    }

    /// <summary>
    /// Replaces the department's whole list. An officerId another department lists is refused under
    /// <c>officers[i].officerId</c>; then nothing changes. Null with the errors, or the stored list.
    /// </summary>
    public Task<(OfficerList? List, FieldErrors? Errors)> ReplaceOfficersAsync(
        string department, IReadOnlyList<Officer> officers, string replacedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officers);
        return writeLock.RunAsync<(OfficerList?, FieldErrors?)>(department, async () =>
        {
            var errors = await OfficerIdsTakenAsync(department, officers, cancellationToken);
            if (!errors.IsEmpty)
            {
                return (null, errors);
            }

            await snapshots.ReplaceAsync(OfficersPartition(department), officers, replacedBy, cancellationToken);
            return (await ReadOfficersAsync(department, cancellationToken), null);
        }, cancellationToken);
    }

    /// <summary>Stores <paramref name="officers"/> only if the department never stored a list (Development's sample officers).</summary>
    public Task<bool> SeedOfficersAsync(string department, IReadOnlyList<Officer> officers, CancellationToken cancellationToken) =>
        writeLock.RunAsync(department, async () =>
        {
            if (await snapshots.ExistsAsync(OfficersPartition(department), cancellationToken)
                || !(await OfficerIdsTakenAsync(department, officers, cancellationToken)).IsEmpty)
            {
                return false;
            }

            await snapshots.ReplaceAsync(OfficersPartition(department), officers, "development-seed", cancellationToken);
            return true;
        }, cancellationToken);

    public async Task<ImportedTargetList> ImportedTargetsAsync(CancellationToken cancellationToken)
    {
        var stored = await snapshots.ReadAsync<EnforcementTarget>(ImportedTargetsPartition, cancellationToken);
        return new ImportedTargetList(stored?.Items ?? [], stored?.UpdatedAt, stored?.UpdatedBy);
    }

    /// <summary>Replaces the whole imported list.</summary>
    public Task<ImportedTargetList> ReplaceImportedTargetsAsync(IReadOnlyList<EnforcementTarget> targets, string replacedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return writeLock.RunAsync("targets", async () =>
        {
            await snapshots.ReplaceAsync(ImportedTargetsPartition, targets, replacedBy, cancellationToken);
            return await ImportedTargetsAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// The whole target library, sorted by targetId: one target per approval project, and the imported targets; an
    /// imported target with the id of an approval project replaces it (the import is the curated description).
    /// </summary>
    public async Task<IReadOnlyList<EnforcementTarget>> TargetsAsync(CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, EnforcementTarget>(StringComparer.Ordinal);
        foreach (var target in await approvalTargets.ListAsync(cancellationToken))
        {
            byId[target.TargetId] = target;
        }

        foreach (var target in (await ImportedTargetsAsync(cancellationToken)).Targets)
        {
            byId[target.TargetId] = target;
        }

        return byId.Values.OrderBy(t => t.TargetId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Field errors for each officerId that another department of the municipality lists.</summary>
    private async Task<FieldErrors> OfficerIdsTakenAsync(string department, IReadOnlyList<Officer> officers, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < officers.Count; i++)
        {
            wanted[officers[i].OfficerId] = i;
        }

        foreach (var other in registry.All.Where(p => p.Has(PrincipalRole.Department) && p.Id != department).Select(p => p.Id).Order(StringComparer.Ordinal))
        {
            foreach (var officer in await OfficersAsync(other, cancellationToken))
            {
                if (wanted.TryGetValue(officer.OfficerId, out var index))
                {
                    errors.Add($"officers[{index}].officerId", $"'{officer.OfficerId}' is an officer of '{other}'; an officerId names one officer across all departments (docs/draw.md).");
                }
            }
        }

        return errors;
    }
}
