namespace Integration.Domain.Enforcement.Draw;

/// <summary>
/// How many targets of one stratum to draw. <see cref="RatioPercent"/> is a decimal percentage with at most two
/// decimal places (5, 2.5, 0.25), so that k is computed in integers from hundredths of a percent:
/// k = min(N, max(minimum, ⌈hundredths·N / 10000⌉)).
/// </summary>
public sealed record SamplingStratum(string Name, decimal RatioPercent, int Minimum)
{
    /// <summary>The ratio in hundredths of a percent (2.5 % is 250); only meaningful when <see cref="Problem"/> is null.</summary>
    public long RatioHundredths => (long)(RatioPercent * 100m);

    public string? Problem()
    {
        if (string.IsNullOrEmpty(Name))
        {
            return "A stratum needs a name.";
        }

        if (RatioPercent is < 0m or > 100m)
        {
            return $"Stratum '{Name}': ratioPercent must be between 0 and 100.";
        }

        if (RatioPercent * 100m != decimal.Truncate(RatioPercent * 100m))
        {
            return $"Stratum '{Name}': ratioPercent may have at most two decimal places.";
        }

        return Minimum < 0 ? $"Stratum '{Name}': minimum must not be negative." : null;
    }

    /// <summary>The number of targets drawn from a stratum of <paramref name="count"/> targets.</summary>
    public int DrawCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var byRatio = ((RatioHundredths * count) + 9_999) / 10_000;
        return (int)Math.Min(count, Math.Max(Minimum, byRatio));
    }
}

/// <summary>The plan's sampling rules: its strata (drawn in ordinal order of name) and the officers sent to each target.</summary>
public sealed record DrawSampling(IReadOnlyList<SamplingStratum> Strata, int OfficersPerTarget)
{
    public const int MinimumOfficersPerTarget = 2;

    /// <summary>The strata in the order they are drawn.</summary>
    public IReadOnlyList<SamplingStratum> InDrawOrder() => Strata.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    public string? Problem()
    {
        if (Strata is null || Strata.Count == 0)
        {
            return "The sampling needs at least one stratum.";
        }

        foreach (var stratum in Strata)
        {
            if (stratum.Problem() is { } problem)
            {
                return problem;
            }
        }

        var duplicate = Strata.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return $"Stratum '{duplicate.Key}' is listed more than once.";
        }

        return OfficersPerTarget < MinimumOfficersPerTarget
            ? $"officersPerTarget must be at least {MinimumOfficersPerTarget}."
            : null;
    }
}
