using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Integration.Tests.Deploy;

/// <summary>A resource of a compiled template, with the variables of the (nested) template it is declared in.</summary>
public sealed record ArmResource(string SymbolicName, string Type, JsonObject Body, JsonObject Variables)
{
    public JsonNode? Property(string name) => Body["properties"]?[name];

    /// <summary>The values an expression of this template can take (a copy loop over a variable gives them all).</summary>
    public IReadOnlyList<string> Resolve(JsonNode? node) => ArmTemplate.Resolve(node, Variables);
}

/// <summary>
/// Reads a compiled ARM template (language version 2.0: symbolic names), nested module deployments
/// included, and resolves the few expression shapes the assertions need (variables, their members and
/// copy-loop elements, role definition ids). Anything else is returned as the expression text.
/// </summary>
public static partial class ArmTemplate
{
    public static IEnumerable<ArmResource> Resources(JsonObject template)
    {
        var variables = template["variables"] as JsonObject ?? [];
        var resources = template["resources"] switch
        {
            JsonObject bySymbol => bySymbol.Select(p => (p.Key, Node: p.Value!.AsObject())),
            JsonArray list => list.Select((r, i) => (Key: i.ToString(CultureInfo.InvariantCulture), Node: r!.AsObject())),
            _ => [],
        };
        foreach (var (symbol, resource) in resources)
        {
            var type = resource["type"]!.GetValue<string>();
            yield return new ArmResource(symbol, type, resource, variables);
            if (type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    public static IReadOnlyList<string> Resolve(JsonNode? node, JsonObject variables)
    {
        if (node is JsonArray array)
        {
            return array.SelectMany(n => Resolve(n, variables)).ToArray();
        }

        if (node is not JsonValue value)
        {
            return node is null ? [] : [node.ToJsonString()];
        }

        var text = value.ToString();
        return text.StartsWith('[') && text.EndsWith(']') && !text.StartsWith("[[", StringComparison.Ordinal)
            ? Evaluate(text[1..^1], variables)
            : [text];
    }

    private static IReadOnlyList<string> Evaluate(string expression, JsonObject variables)
    {
        if (RoleDefinition().Match(expression) is { Success: true } role)
        {
            return Evaluate(role.Groups["inner"].Value, variables);
        }

        if (VariableReference().Match(expression) is { Success: true } reference)
        {
            var node = variables[reference.Groups["name"].Value];
            if (reference.Groups["member"].Success)
            {
                node = node?[reference.Groups["member"].Value];
            }

            return Resolve(node, variables);
        }

        return ["[" + expression + "]"];
    }

    [GeneratedRegex(@"^subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', (?<inner>.+)\)$")]
    private static partial Regex RoleDefinition();

    // variables('x'), variables('x').member, variables('x')[copyIndex()] (every element).
    [GeneratedRegex(@"^variables\('(?<name>[^']+)'\)(?:\.(?<member>\w+)|\[copyIndex\(\)\])?$")]
    private static partial Regex VariableReference();
}
