using System.Globalization;
using System.Text.Json;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Kernel;

namespace Integration.Domain.Enforcement.Plans;

public sealed record ObjectionInput(string Reason);

public sealed record CommitmentInput(string Commitment);

public sealed record RecusalInput(string OfficerId, string Reason);

public sealed record RevealInput(string Nonce);

public sealed record ResultInput(string ResultCode, IReadOnlyList<PlanFinding> Findings, DateTimeOffset CompletedAt);

public sealed record AssistanceAnswerInput(bool Accepted, string Reply);

/// <summary>What the plan rules need from the municipality: who is a department, and the industry catalogue.</summary>
public sealed record PlanCatalogue(Func<string, bool> IsDepartment, IReadOnlyCollection<string> Industries, int DefaultPublishWithinWorkingDays);

/// <summary>Reads the plan endpoints' bodies, collecting every invalid field at once.</summary>
public static class PlanInputs
{
    public const int MaxParticipants = 50;
    public const int MaxMatters = 50;
    public const int MaxStrata = 20;
    public const int MaxScopeItems = 200;
    public const int MaxOfficersPerTarget = 20;
    public const int MaxPublishWithinWorkingDays = 60;
    public const int MaxFindings = 500;

    /// <summary>A plan's body (create, and amend with the same shape). Defaults: one stratum <c>all</c> at 5 % with minimum 1, two officers per target.</summary>
    public static PlanInput? Plan(JsonElement body, FieldErrors errors, DateOnly today, PlanCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(catalogue);
        var f = new JsonFields(body, errors);
        var planId = f.String("planId", maxLength: RecordId.MaxLength);
        if (planId is not null && !RecordId.IsValid(planId))
        {
            f.Add("planId", $"{TextRules.Echo(planId)} {RecordId.Rule}.");
            planId = null;
        }

        var title = f.String("title", maxLength: 200);
        var kind = f.OneOf("kind", PlanVocabulary.Kinds);
        var basis = f.String("basis", maxLength: 1000);
        var leadDepartment = f.String("leadDepartment", maxLength: RecordId.MaxLength);
        if (leadDepartment is not null && !catalogue.IsDepartment(leadDepartment))
        {
            f.Add("leadDepartment", $"{TextRules.Echo(leadDepartment)} is not a department of the municipality.");
            leadDepartment = null;
        }

        var participants = TopStrings(f, body, "participants", MaxParticipants, required: true, (path, value) =>
            catalogue.IsDepartment(value) ? null : $"{TextRules.Echo(value)} is not a department of the municipality.");
        if (participants is { Count: 1 })
        {
            // One participant alone would choose the draw's seed by itself: a joint draw needs at least two.
            f.Add("participants", "At least two departments take part in a joint plan (each contributes to the draw's seed).");
        }

        if (leadDepartment is not null && participants is not null && !participants.Contains(leadDepartment))
        {
            f.Add("leadDepartment", $"{leadDepartment} must also be one of the participants.");
        }

        var matters = f.Array("matters", m =>
        {
            var name = m.String("name", maxLength: 200);
            var matterBasis = m.String("basis", maxLength: 1000);
            return name is null || matterBasis is null ? null : new PlanMatter(name, matterBasis);
        }, maxItems: MaxMatters);
        if (f.Has("matters") && body.GetProperty("matters") is { ValueKind: JsonValueKind.Array } sentMatters && sentMatters.GetArrayLength() == 0)
        {
            f.Add("matters", "Required: at least one matter (检查事项) with its basis.");
        }

        var scope = f.Object("scope", s =>
        {
            var regions = Strings(s, s.Has("regions") ? Property(body, "scope", "regions") : default, "regions", MaxScopeItems, required: false, (path, value) =>
                value.Length == 6 && value.All(char.IsAsciiDigit) ? null : $"{TextRules.Echo(value)} is not a GB/T 2260 region code (six digits).");
            var industries = Strings(s, s.Has("industries") ? Property(body, "scope", "industries") : default, "industries", MaxScopeItems, required: false, (path, value) =>
                catalogue.Industries.Contains(value) ? null : $"{TextRules.Echo(value)} is not in the municipality's industry catalogue.");
            return regions is null || industries is null ? null : new PlanScope(regions, industries);
        });

        var strata = Sampling(f, body);
        var officersPerTarget = f.Integer("officersPerTarget", DrawSampling.MinimumOfficersPerTarget, MaxOfficersPerTarget, required: false);
        var window = f.Object("window", w =>
        {
            var from = Date(w, "from");
            var to = Date(w, "to");
            if (from is not null && to is not null && to < from)
            {
                w.Add("to", $"{to:yyyy-MM-dd} is before the window's start {from:yyyy-MM-dd}.");
                return null;
            }

            if (to is not null && to < today)
            {
                w.Add("to", $"{to:yyyy-MM-dd} has passed: the inspections cannot end before today ({today:yyyy-MM-dd}).");
                return null;
            }

            return from is null || to is null ? null : new PlanWindow(from.Value, to.Value);
        });
        var publishWithin = f.Integer("publishWithinWorkingDays", 1, MaxPublishWithinWorkingDays, required: false);

        if (!errors.IsEmpty)
        {
            return null;
        }

        return new PlanInput(
            planId!,
            title!,
            kind!,
            basis!,
            leadDepartment!,
            participants!,
            matters,
            scope!,
            strata!,
            (int)(officersPerTarget ?? DrawSampling.MinimumOfficersPerTarget),
            window!,
            (int)(publishWithin ?? catalogue.DefaultPublishWithinWorkingDays));
    }

    public static ObjectionInput? Objection(JsonElement body, FieldErrors errors)
    {
        var f = new JsonFields(body, errors);
        var reason = f.String("reason", maxLength: 2000);
        return reason is null ? null : new ObjectionInput(reason);
    }

    /// <summary>An officer of a task who must step aside after the draw, and why (回避事由).</summary>
    public static RecusalInput? Recusal(JsonElement body, FieldErrors errors, Func<string, string?> officerProblem)
    {
        ArgumentNullException.ThrowIfNull(officerProblem);
        var f = new JsonFields(body, errors);
        var officerId = f.String("officerId", maxLength: RecordId.MaxLength);
        if (officerId is not null && officerProblem(officerId) is { } problem)
        {
            f.Add("officerId", problem);
            officerId = null;
        }

        var reason = f.String("reason", maxLength: 2000);
        return officerId is null || reason is null ? null : new RecusalInput(officerId, reason);
    }

    public static CommitmentInput? Commitment(JsonElement body, FieldErrors errors)
    {
        var f = new JsonFields(body, errors);
        var commitment = f.String("commitment", maxLength: 64);
        if (commitment is not null && DrawCommitments.CommitmentProblem(commitment) is { } problem)
        {
            f.Add("commitment", problem);
            return null;
        }

        return commitment is null ? null : new CommitmentInput(commitment);
    }

    public static RevealInput? Reveal(JsonElement body, FieldErrors errors)
    {
        var f = new JsonFields(body, errors);
        var nonce = f.String("nonce", maxLength: 1000);
        if (nonce is not null && DrawCommitments.NonceProblem(nonce) is { } problem)
        {
            f.Add("nonce", problem);
            return null;
        }

        return nonce is null ? null : new RevealInput(nonce);
    }

    /// <summary>A task's result. <c>completedAt</c> may not lie in the future (beyond a little clock skew).</summary>
    public static ResultInput? Result(JsonElement body, FieldErrors errors, DateTimeOffset now, Func<string, bool> isDepartment)
    {
        ArgumentNullException.ThrowIfNull(isDepartment);
        var f = new JsonFields(body, errors);
        var code = f.OneOf("resultCode", PlanVocabulary.ResultCodes.Keys.ToArray());
        var findings = f.Array("findings", x =>
        {
            var text = x.String("text", maxLength: 4000);
            var category = x.OneOf("category", PlanVocabulary.FindingCategories, required: false) ?? "other";
            var department = x.String("department", required: false, maxLength: RecordId.MaxLength);
            if (department is { Length: 0 })
            {
                department = null;
            }

            if (department is not null && !isDepartment(department))
            {
                x.Add("department", $"{TextRules.Echo(department)} is not a department of the municipality.");
                return null;
            }

            return text is null ? null : new PlanFinding(text, category, department);
        }, required: false, maxItems: MaxFindings);
        var completedAt = f.Instant("completedAt");
        if (completedAt is not null && completedAt > now + TimeSpan.FromMinutes(5))
        {
            f.Add("completedAt", $"{completedAt:O} lies in the future.");
            completedAt = null;
        }

        var findingsSent = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("findings", out var sentFindings)
            && sentFindings.ValueKind == JsonValueKind.Array && sentFindings.GetArrayLength() > 0;
        if (code is not null && PlanVocabulary.IsProblem(code) && !findingsSent)
        {
            f.Add("findings", $"A result of '{code}' needs at least one finding saying what was found.");
        }

        return errors.IsEmpty ? new ResultInput(code!, findings, completedAt!.Value) : null;
    }

    public static AssistanceAnswerInput? AssistanceAnswer(JsonElement body, FieldErrors errors)
    {
        var f = new JsonFields(body, errors);
        var accepted = f.Boolean("accepted");
        var reply = f.String("reply", maxLength: 4000);
        return accepted is null || reply is null ? null : new AssistanceAnswerInput(accepted.Value, reply);
    }

    private static IReadOnlyList<SamplingStratum>? Sampling(JsonFields f, JsonElement body)
    {
        IReadOnlyList<SamplingStratum> defaults = [new SamplingStratum(PlanVocabulary.DefaultStratum, 5m, 1)];
        if (!f.Has("sampling"))
        {
            return defaults;
        }

        var strata = f.Object("sampling", s =>
        {
            var list = s.Array("strata", x =>
            {
                var name = x.String("name", maxLength: 64);
                if (name is not null && !RecordId.IsValid(name))
                {
                    x.Add("name", $"{TextRules.Echo(name)} {RecordId.Rule}.");
                    name = null;
                }

                var ratio = x.Decimal("ratioPercent", 0m);
                if (ratio is not null && (ratio > 100m || ratio * 100m != decimal.Truncate(ratio.Value * 100m)))
                {
                    x.Add("ratioPercent", "Must be from 0 to 100 with at most two decimal places (DRAW-v1 counts in hundredths of a percent).");
                    ratio = null;
                }

                var minimum = x.Integer("minimum", 0, 100_000, required: false);
                return name is null || ratio is null ? null : new SamplingStratum(name, ratio.Value, (int)(minimum ?? 1));
            }, maxItems: MaxStrata);
            var sent = body.GetProperty("sampling");
            if (sent.TryGetProperty("strata", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                if (array.GetArrayLength() == 0)
                {
                    s.Add("strata", "Required: at least one stratum; leave sampling out for the default (all, 5 %, minimum 1).");
                }
                else if (list.Count == array.GetArrayLength())
                {
                    for (var i = 1; i < list.Count; i++)
                    {
                        if (list.Take(i).Any(p => p.Name == list[i].Name))
                        {
                            s.Add($"strata[{i}].name", $"Stratum '{list[i].Name}' is listed twice.");
                        }
                    }
                }
            }

            return list.Count == 0 ? null : list;
        });
        return strata is { Count: > 0 } ? strata : null;
    }

    /// <summary>A "yyyy-MM-dd" date.</summary>
    private static DateOnly? Date(JsonFields f, string name)
    {
        var text = f.String(name, maxLength: 10);
        if (text is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || !ChinaTime.IsSupported(date))
        {
            f.Add(name, $"{TextRules.Echo(text)} is not a date like 2026-03-02 in the years 1900 to 9000.");
            return null;
        }

        return date;
    }

    private static JsonElement Property(JsonElement body, string outer, string inner) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(outer, out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty(inner, out var i) ? i : default;

    private static IReadOnlyList<string>? TopStrings(JsonFields f, JsonElement body, string name, int maxItems, bool required, Func<string, string, string?> problem) =>
        Strings(f, body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) ? value : default, name, maxItems, required, problem);

    /// <summary>An array of distinct strings, each checked by <paramref name="problem"/>; null when anything is wrong.</summary>
    private static IReadOnlyList<string>? Strings(JsonFields f, JsonElement value, string name, int maxItems, bool required, Func<string, string, string?> problem)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            if (required)
            {
                f.Add(name, "Required.");
                return null;
            }

            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            f.Add(name, "Must be an array of strings.");
            return null;
        }

        if (value.GetArrayLength() > maxItems)
        {
            f.Add(name, $"At most {maxItems} items.");
            return null;
        }

        if (required && value.GetArrayLength() == 0)
        {
            f.Add(name, "Required: at least one item.");
            return null;
        }

        var items = new List<string>();
        var ok = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{name}[{index++}]";
            if (!JsonStrings.TryGet(item, out var text) || item.ValueKind != JsonValueKind.String)
            {
                f.Add(path, $"{JsonFields.Describe(item)} is not a string.");
                ok = false;
            }
            else if (problem(path, text) is { } why)
            {
                f.Add(path, why);
                ok = false;
            }
            else if (items.Contains(text, StringComparer.Ordinal))
            {
                f.Add(path, $"{TextRules.Echo(text)} is listed twice.");
                ok = false;
            }
            else
            {
                items.Add(text);
            }
        }

        return ok ? items : null;
    }
}
