using System.Text.Json;
using Integration.Domain.Identifiers;
using Integration.Domain.Kernel;

namespace Integration.Functions.Enforcement.Rosters;

/// <summary>
/// Reads the bodies of the roster endpoints field by field, every error under its JSON path
/// (<c>officers[3].recuse[1]</c>), so one answer lists all of a caller's mistakes.
/// </summary>
public static class RosterInputs
{
    /// <summary>More officers than a department has staff; the draw's benchmark roster has 2,000 over all departments.</summary>
    public const int MaxOfficers = 5_000;

    public const int MaxRecusals = 200;

    /// <summary>The imported list; the approvals add one target per project on top.</summary>
    public const int MaxTargets = 100_000;

    public const int MaxNameLength = 100;

    public const int MaxCredentialLength = 40;

    /// <summary><c>{ officers: [{ officerId, name, credentialNo, active?, recuse?: [creditCode…] }] }</c>; null when any field is invalid.</summary>
    public static IReadOnlyList<Officer>? Officers(JsonElement body, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var officers = new List<Officer>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (item, path, index) in Items(body, "officers", MaxOfficers, errors))
        {
            var f = new JsonFields(item, errors, path + ".");
            var officerId = Id(f, "officerId");
            var name = OneLine(f, "name", MaxNameLength);
            var credentialNo = OneLine(f, "credentialNo", MaxCredentialLength);
            var active = f.Boolean("active", required: false) ?? true;
            var recuse = CreditCodes(item, path + ".recuse", errors);
            if (officerId is not null && seen.TryGetValue(officerId, out var first))
            {
                f.Add("officerId", $"'{officerId}' is listed twice (also at officers[{first}]); an officerId names one officer.");
                officerId = null;
            }
            else if (officerId is not null)
            {
                seen[officerId] = index;
            }

            if (officerId is not null && name is not null && credentialNo is not null && recuse is not null)
            {
                officers.Add(new Officer(officerId, name, credentialNo, active, recuse));
            }
        }

        return errors.IsEmpty ? officers : null;
    }

    /// <summary><c>{ targets: [{ targetId, name, creditCode, region, industry, stratum? }] }</c>; null when any field is invalid.</summary>
    public static IReadOnlyList<EnforcementTarget>? Targets(JsonElement body, IReadOnlyCollection<string> industries, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(industries);
        var targets = new List<EnforcementTarget>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (item, path, index) in Items(body, "targets", MaxTargets, errors))
        {
            var f = new JsonFields(item, errors, path + ".");
            var targetId = Id(f, "targetId");
            var name = OneLine(f, "name", MaxNameLength * 2);
            var creditCode = f.String("creditCode", maxLength: 18);
            if (creditCode is not null && CreditCode.Problem(creditCode) is { } badCode)
            {
                f.Add("creditCode", badCode);
                creditCode = null;
            }

            var region = f.String("region", maxLength: 6);
            if (region is not null && RegionCode.Problem(region) is { } badRegion)
            {
                f.Add("region", badRegion);
                region = null;
            }

            var industry = f.OneOf("industry", industries);
            var stratum = f.Has("stratum") ? Id(f, "stratum") : null;
            if (targetId is not null && seen.TryGetValue(targetId, out var first))
            {
                f.Add("targetId", $"'{targetId}' is listed twice (also at targets[{first}]); a targetId names one target.");
                targetId = null;
            }
            else if (targetId is not null)
            {
                seen[targetId] = index;
            }

            if (targetId is not null && name is not null && creditCode is not null && region is not null && industry is not null
                && (stratum is not null || !f.Has("stratum")))
            {
                targets.Add(new EnforcementTarget(targetId, name, creditCode, region, industry, stratum));
            }
        }

        return errors.IsEmpty ? targets : null;
    }

    /// <summary>The items of a required array of objects, each with its path; a wrong shape is recorded and yields nothing.</summary>
    private static IEnumerable<(JsonElement Item, string Path, int Index)> Items(JsonElement body, string name, int maxItems, FieldErrors errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "Must be a JSON object.");
            yield break;
        }

        if (!body.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            errors.Add(name, "Required: the whole list (an empty array clears it).");
            yield break;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(name, "Must be an array.");
            yield break;
        }

        if (list.GetArrayLength() > maxItems)
        {
            errors.Add(name, $"At most {maxItems:N0} items.");
            yield break;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"{name}[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, "Must be a JSON object.");
            }
            else
            {
                yield return (item, path, index);
            }

            index++;
        }
    }

    /// <summary>Ids become table keys and lines of the roster text: the record id rule.</summary>
    private static string? Id(JsonFields f, string name)
    {
        var id = f.String(name, maxLength: RecordId.MaxLength);
        if (id is not null && !RecordId.IsValid(id))
        {
            f.Add(name, $"{TextRules.Echo(id)} {RecordId.Rule}.");
            return null;
        }

        return id;
    }

    /// <summary>Names and credential numbers are printed on check notices: one line.</summary>
    private static string? OneLine(JsonFields f, string name, int maxLength)
    {
        var text = f.String(name, maxLength: maxLength);
        if (text is not null && text.AsSpan().IndexOfAny('\t', '\r', '\n') >= 0)
        {
            f.Add(name, "Must be one line: no tabs or line breaks.");
            return null;
        }

        return text;
    }

    private static List<string>? CreditCodes(JsonElement item, string path, FieldErrors errors)
    {
        if (!item.TryGetProperty("recuse", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, "Must be an array of unified social credit codes.");
            return null;
        }

        if (list.GetArrayLength() > MaxRecusals)
        {
            errors.Add(path, $"At most {MaxRecusals} items.");
            return null;
        }

        var codes = new List<string>();
        var valid = true;
        var index = 0;
        foreach (var value in list.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (value.ValueKind != JsonValueKind.String || !JsonStrings.TryGet(value, out var code))
            {
                errors.Add(itemPath, $"{JsonFields.Describe(value)} is not a unified social credit code.");
                valid = false;
            }
            else if (code.Trim().Length != 18)
            {
                errors.Add(itemPath, $"{TextRules.Echo(code)} is not an 18-character unified social credit code.");
                valid = false;
            }
            else if (CreditCode.Problem(code.Trim()) is { } problem)
            {
                errors.Add(itemPath, problem);
                valid = false;
            }
            else if (codes.Contains(code.Trim()))
            {
                errors.Add(itemPath, $"'{code.Trim()}' is listed twice.");
                valid = false;
            }
            else
            {
                codes.Add(code.Trim());
            }
        }

        return valid ? codes : null;
    }
}
