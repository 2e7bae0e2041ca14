using System.Text.RegularExpressions;

namespace Integration.Domain.Identifiers;

/// <summary>
/// Investment project code (投资项目统一代码, GB/T 40058-2021): <c>YYYY-RRRRRR-NN-NN-NNNNNN</c> —
/// year, GB/T 2260 division, guiding department, project type, serial and check digit. Only the
/// shape, the year and the division's form are checked: the middle segments' meanings change with
/// national catalogues and are not hard-coded.
/// </summary>
public static partial class ProjectCode
{
    public static string? Problem(string? code, int latestYear)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "Required: a project code YYYY-RRRRRR-NN-NN-NNNNNN.";
        }

        var match = Shape().Match(code);
        if (!match.Success)
        {
            return $"'{code}' is not of the form YYYY-RRRRRR-NN-NN-NNNNNN (half-width digits 0–9, 半角数字).";
        }

        var year = int.Parse(match.Groups["year"].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (year < 2014 || year > latestYear)
        {
            return $"'{code}' has year {year}; project codes began in 2014 and cannot be later than {latestYear}.";
        }

        return RegionCode.Problem(match.Groups["region"].Value) is { } region ? $"'{code}': {region}" : null;
    }

    // ASCII digits only, to the end of the text: \d also matches full-width digits (２０２６), which int.Parse refuses, and $ allows a final line break.
    [GeneratedRegex(@"^(?<year>[0-9]{4})-(?<region>[0-9]{6})-[0-9]{2}-[0-9]{2}-[0-9]{6}\z")]
    private static partial Regex Shape();
}

/// <summary>A GB/T 2260 administrative division code: six digits, province 11–82, never all zeros below.</summary>
public static partial class RegionCode
{
    public static string? Problem(string? code)
    {
        if (string.IsNullOrEmpty(code) || !Digits().IsMatch(code))
        {
            return $"'{code}' is not a six-digit GB/T 2260 division code (half-width digits 0–9, 半角数字).";
        }

        var province = int.Parse(code[..2], System.Globalization.CultureInfo.InvariantCulture);
        return province is < 11 or > 82 ? $"'{code}' does not start with a province code (11–82)." : null;
    }

    [GeneratedRegex(@"^[0-9]{6}\z")]
    private static partial Regex Digits();
}
