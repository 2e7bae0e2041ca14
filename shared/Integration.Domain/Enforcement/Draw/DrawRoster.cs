using System.Security.Cryptography;
using System.Text;

namespace Integration.Domain.Enforcement.Draw;

/// <summary>A target as the draw sees it: its stratum picks the sampling rule, its owner's credit code the recusals.</summary>
public sealed record DrawTarget(string TargetId, string Stratum, string CreditCode);

/// <summary>An active officer of a participating department, with the owners (credit codes) the officer must not inspect.</summary>
public sealed record DrawOfficer(string Department, string OfficerId, IReadOnlyList<string> Recuse);

/// <summary>
/// The frozen roster in its canonical order: targets by targetId, officers by department then officerId (ordinal).
/// The order is part of the algorithm: positions in these lists are what the shuffles permute.
/// </summary>
public sealed record DrawRoster(IReadOnlyList<DrawTarget> Targets, IReadOnlyList<DrawOfficer> Officers)
{
    /// <summary>Sorts the lists into canonical order; a duplicate target or officer id, or an empty field, is a problem, not an exception.</summary>
    public static (DrawRoster? Roster, string? Problem) Create(IEnumerable<DrawTarget> targets, IEnumerable<DrawOfficer> officers)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(officers);
        var sortedTargets = targets.OrderBy(t => t.TargetId, StringComparer.Ordinal).ToList();
        var sortedOfficers = officers
            .OrderBy(o => o.Department, StringComparer.Ordinal)
            .ThenBy(o => o.OfficerId, StringComparer.Ordinal)
            .ToList();
        var roster = new DrawRoster(sortedTargets, sortedOfficers);
        var problem = roster.Problem();
        return problem is null ? (roster, null) : (null, problem);
    }

    /// <summary>Why this roster cannot be drawn from, or null. Checks canonical order too, so a received record is checked as strictly as a built one.</summary>
    public string? Problem()
    {
        for (var i = 0; i < Targets.Count; i++)
        {
            var target = Targets[i];
            if (string.IsNullOrEmpty(target.TargetId) || string.IsNullOrEmpty(target.Stratum) || target.CreditCode is null)
            {
                return $"Target at position {i} has an empty targetId or stratum.";
            }

            if (HasLineBreak(target.TargetId) || HasLineBreak(target.Stratum))
            {
                return $"Target '{target.TargetId}' contains a tab or line break, which would make the roster text ambiguous.";
            }

            if (i > 0 && string.CompareOrdinal(Targets[i - 1].TargetId, target.TargetId) >= 0)
            {
                return string.Equals(Targets[i - 1].TargetId, target.TargetId, StringComparison.Ordinal)
                    ? $"Target '{target.TargetId}' appears more than once."
                    : $"Targets are not in ordinal order of targetId at position {i}.";
            }
        }

        // Selections name officers by officerId alone, so it must identify one officer across departments.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Officers.Count; i++)
        {
            var officer = Officers[i];
            if (string.IsNullOrEmpty(officer.Department) || string.IsNullOrEmpty(officer.OfficerId) || officer.Recuse is null)
            {
                return $"Officer at position {i} has an empty department or officerId.";
            }

            if (HasLineBreak(officer.Department) || HasLineBreak(officer.OfficerId))
            {
                return $"Officer '{officer.OfficerId}' contains a tab or line break, which would make the roster text ambiguous.";
            }

            if (!seen.Add(officer.OfficerId))
            {
                return $"Officer '{officer.OfficerId}' appears more than once.";
            }

            if (i > 0)
            {
                var previous = Officers[i - 1];
                var order = string.CompareOrdinal(previous.Department, officer.Department);
                if (order > 0 || (order == 0 && string.CompareOrdinal(previous.OfficerId, officer.OfficerId) > 0))
                {
                    return $"Officers are not in ordinal order of department, then officerId, at position {i}.";
                }
            }
        }

        return null;
    }

    /// <summary>Lowercase hex SHA-256 of the UTF-8 roster text: <c>T\t{targetId}\t{stratum}\n</c> per target, then <c>O\t{department}\t{officerId}\n</c> per officer.</summary>
    public string Hash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var builder = new StringBuilder(256);
        foreach (var target in Targets)
        {
            builder.Clear().Append("T\t").Append(target.TargetId).Append('\t').Append(target.Stratum).Append('\n');
            sha.AppendData(Encoding.UTF8.GetBytes(builder.ToString()));
        }

        foreach (var officer in Officers)
        {
            builder.Clear().Append("O\t").Append(officer.Department).Append('\t').Append(officer.OfficerId).Append('\n');
            sha.AppendData(Encoding.UTF8.GetBytes(builder.ToString()));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static bool HasLineBreak(string value) => value.AsSpan().IndexOfAny('\t', '\n') >= 0;
}
