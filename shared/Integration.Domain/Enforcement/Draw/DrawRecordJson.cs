using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integration.Domain.Enforcement.Draw;

/// <summary>
/// The public JSON of a draw record (docs/draw.md), the shape the plan's draw endpoint returns and the verification
/// script reads. Officers appear without their recusal lists; the recusals that mattered travel in <c>selected[].recused</c>.
/// </summary>
public static class DrawRecordJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(DrawRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var json = new JsonObject
        {
            ["algorithm"] = record.Algorithm,
            ["planId"] = record.PlanId,
            ["sampling"] = new JsonObject
            {
                ["strata"] = new JsonArray(record.Sampling.Strata.Select(s => (JsonNode)new JsonObject
                {
                    ["name"] = s.Name,
                    ["ratioPercent"] = s.RatioPercent,
                    ["minimum"] = s.Minimum,
                }).ToArray()),
                ["officersPerTarget"] = record.Sampling.OfficersPerTarget,
            },
            ["roster"] = new JsonObject
            {
                ["targets"] = new JsonArray(record.Roster.Targets.Select(t => (JsonNode)new JsonObject
                {
                    ["targetId"] = t.TargetId,
                    ["stratum"] = t.Stratum,
                    ["creditCode"] = t.CreditCode,
                }).ToArray()),
                ["officers"] = new JsonArray(record.Roster.Officers.Select(o => (JsonNode)new JsonObject
                {
                    ["department"] = o.Department,
                    ["officerId"] = o.OfficerId,
                }).ToArray()),
            },
            ["rosterHash"] = record.RosterHash,
            ["commitments"] = Map(record.Commitments),
            ["nonces"] = Map(record.Nonces),
            ["seed"] = record.Seed,
            ["selected"] = new JsonArray(record.Selected.Select(s => (JsonNode)new JsonObject
            {
                ["targetId"] = s.TargetId,
                ["officers"] = Strings(s.Officers),
                ["recused"] = Strings(s.Recused),
            }).ToArray()),
            ["redraws"] = new JsonArray(record.Redraws.Select(r => (JsonNode)new JsonObject
            {
                ["targetId"] = r.TargetId,
                ["round"] = r.Round,
                ["replaced"] = r.Replaced,
                ["officer"] = r.Officer,
            }).ToArray()),
        };
        return json.ToJsonString(Indented) + "\n";
    }

    /// <summary>Reads a record back; the officers' recusal lists are rebuilt from <c>selected[].recused</c>. Malformed JSON is a problem, not an exception.</summary>
    public static (DrawRecord? Record, string? Problem) Read(string json)
    {
        try
        {
            var root = JsonNode.Parse(json)!.AsObject();
            var sampling = root["sampling"]!;
            var strata = sampling["strata"]!.AsArray()
                .Select(s => new SamplingStratum(Text(s!["name"]), s["ratioPercent"]!.GetValue<decimal>(), s["minimum"]!.GetValue<int>()))
                .ToList();
            var targets = root["roster"]!["targets"]!.AsArray()
                .Select(t => new DrawTarget(Text(t!["targetId"]), Text(t["stratum"]), Text(t["creditCode"])))
                .ToList();
            var selected = root["selected"]!.AsArray()
                .Select(s => new DrawnTarget(Text(s!["targetId"]), TextList(s["officers"]), TextList(s["recused"])))
                .ToList();
            var creditCodes = targets.GroupBy(t => t.TargetId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().CreditCode, StringComparer.Ordinal);
            var recuse = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var drawn in selected)
            {
                foreach (var officerId in drawn.Recused)
                {
                    if (!recuse.TryGetValue(officerId, out var codes))
                    {
                        recuse[officerId] = codes = [];
                    }

                    if (creditCodes.TryGetValue(drawn.TargetId, out var code) && !codes.Contains(code, StringComparer.Ordinal))
                    {
                        codes.Add(code);
                    }
                }
            }

            var officers = root["roster"]!["officers"]!.AsArray()
                .Select(o => new DrawOfficer(Text(o!["department"]), Text(o["officerId"]), recuse.TryGetValue(Text(o["officerId"]), out var codes) ? codes : []))
                .ToList();
            return (new DrawRecord(
                Text(root["algorithm"]),
                Text(root["planId"]),
                new DrawSampling(strata, sampling["officersPerTarget"]!.GetValue<int>()),
                new DrawRoster(targets, officers),
                Text(root["rosterHash"]),
                TextMap(root["commitments"]),
                TextMap(root["nonces"]),
                Text(root["seed"]),
                selected)
            {
                // Records published before re-draws existed have no such list: none were made.
                Redraws = root["redraws"]?.AsArray()
                    .Select(r => new DrawRedraw(Text(r!["targetId"]), r["round"]!.GetValue<int>(), Text(r["replaced"]), Text(r["officer"])))
                    .ToList() ?? [],
            }, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            return (null, "The draw record is not of the documented shape: " + ex.Message);
        }
    }

    private static JsonObject Map(IReadOnlyDictionary<string, string> values)
    {
        var map = new JsonObject();
        foreach (var key in values.Keys.Order(StringComparer.Ordinal))
        {
            map[key] = values[key];
        }

        return map;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? throw new FormatException("a required text field is missing.");

    private static string[] TextList(JsonNode? node) => node?.AsArray().Select(Text).ToArray() ?? throw new FormatException("a required list is missing.");

    private static SortedDictionary<string, string> TextMap(JsonNode? node) =>
        new((node ?? throw new FormatException("a required object is missing.")).AsObject().ToDictionary(p => p.Key, p => Text(p.Value), StringComparer.Ordinal), StringComparer.Ordinal);
}
