namespace Integration.Domain.Routing;

/// <summary>
/// One line of the responsibility list (权责清单): the departments competent for an industry,
/// optionally only in a region (a GB/T 2260 code or its prefix, e.g. 371082 or 3710) or only for
/// certain tender scopes.
/// </summary>
public sealed record Responsibility(string Industry, IReadOnlyList<string> Departments, string? Region = null, IReadOnlyList<string>? Scope = null)
{
    public bool IsNarrowed => Region is not null || Scope is { Count: > 0 };

    public bool Matches(string industry, string regionCode, IReadOnlyCollection<string> scope) =>
        Industry == industry
        && (Region is null || regionCode.StartsWith(Region, StringComparison.Ordinal))
        && (Scope is not { Count: > 0 } || Scope.Any(scope.Contains));
}

/// <summary>Why an item went to a department, recorded with the routing.</summary>
public sealed record Route(string Department, string Reason);

/// <summary>
/// Decides which supervisory departments are competent ("谁监管"). Narrowed lines that match take
/// precedence over the industry's general line; an industry with no line goes to the coordinator,
/// who assigns it by hand.
/// </summary>
public sealed class ResponsibilityList
{
    private readonly IReadOnlyList<Responsibility> lines;

    public ResponsibilityList(IReadOnlyDictionary<string, string> industries, IEnumerable<Responsibility> lines, string coordinator, Func<string, bool> isDepartment)
    {
        ArgumentNullException.ThrowIfNull(industries);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(isDepartment);
        Industries = industries;
        Coordinator = coordinator;
        this.lines = lines.ToArray();
        var problems = new List<string>();
        foreach (var line in this.lines)
        {
            if (!industries.ContainsKey(line.Industry))
            {
                problems.Add($"industry '{line.Industry}' is not in the industry catalogue");
            }

            if (line.Departments.Count == 0)
            {
                problems.Add($"industry '{line.Industry}' lists no department");
            }

            problems.AddRange(line.Departments.Where(d => !isDepartment(d)).Select(d => $"industry '{line.Industry}' names '{d}', which is not a department"));
        }

        if (!isDepartment(coordinator))
        {
            problems.Add($"the coordinator '{coordinator}' is not a department");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The responsibility list is invalid: " + string.Join("; ", problems));
        }
    }

    /// <summary>Industry code → display name (the configured industry catalogue).</summary>
    public IReadOnlyDictionary<string, string> Industries { get; }

    public string Coordinator { get; }

    public IReadOnlyList<Route> RouteFor(string industry, string regionCode, IReadOnlyCollection<string> scope)
    {
        if (!Industries.ContainsKey(industry))
        {
            return [new Route(Coordinator, $"industry '{industry}' is not in the municipality's industry catalogue: the coordinator assigns it")];
        }

        var matching = lines.Where(l => l.Matches(industry, regionCode, scope)).ToArray();
        var chosen = matching.Any(l => l.IsNarrowed) ? matching.Where(l => l.IsNarrowed).ToArray() : matching;
        if (chosen.Length == 0)
        {
            return [new Route(Coordinator, $"no responsibility line for industry '{industry}': the coordinator assigns it")];
        }

        return chosen
            .SelectMany(l => l.Departments.Select(d => new Route(d, Describe(l))))
            .GroupBy(r => r.Department)
            .Select(g => g.First())
            .ToArray();
    }

    private static string Describe(Responsibility line) =>
        $"responsibility list: {line.Industry}"
        + (line.Region is null ? "" : $" in {line.Region}")
        + (line.Scope is { Count: > 0 } ? $" for {string.Join("/", line.Scope)}" : "");
}
