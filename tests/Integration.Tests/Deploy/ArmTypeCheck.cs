using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integration.Tests.Deploy;

/// <summary>
/// Checks a parameter value against the type a compiled template declares for it (user-defined types:
/// objects, arrays, strings, ints, <c>$ref</c>, nullable properties, length and value bounds), as ARM
/// does before it deploys; unknown properties are reported too, as Bicep rejects them.
/// </summary>
public static class ArmTypeCheck
{
    public static void Check(JsonNode? value, JsonObject type, JsonObject definitions, string path, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(problems);
        if (type["$ref"] is JsonValue reference)
        {
            var name = reference.GetValue<string>()["#/definitions/".Length..];
            Check(value, definitions[name]!.AsObject(), definitions, path, problems);
            return;
        }

        if (value is null)
        {
            if (type["nullable"]?.GetValue<bool>() != true)
            {
                problems.Add($"{path}: required");
            }

            return;
        }

        switch (type["type"]?.GetValue<string>())
        {
            case "object":
                if (value is not JsonObject obj)
                {
                    problems.Add($"{path}: not an object");
                    return;
                }

                if (type["properties"] is JsonObject properties)
                {
                    foreach (var (name, propertyType) in properties)
                    {
                        Check(obj[name], propertyType!.AsObject(), definitions, $"{path}.{name}", problems);
                    }

                    problems.AddRange(obj.Where(p => !properties.ContainsKey(p.Key)).Select(p => $"{path}.{p.Key}: not a property of the type"));
                }

                break;
            case "array":
                if (value is not JsonArray array)
                {
                    problems.Add($"{path}: not an array");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], type["items"]!.AsObject(), definitions, $"{path}[{i}]", problems);
                }

                break;
            case "string":
                if (value.GetValueKind() != JsonValueKind.String)
                {
                    problems.Add($"{path}: not a string");
                    return;
                }

                var length = value.GetValue<string>().Length;
                if (length < (type["minLength"]?.GetValue<int>() ?? 0) || length > (type["maxLength"]?.GetValue<int>() ?? int.MaxValue))
                {
                    problems.Add($"{path}: length {length} out of bounds");
                }

                break;
            case "int":
                if (value.GetValueKind() != JsonValueKind.Number)
                {
                    problems.Add($"{path}: not an integer");
                    return;
                }

                var number = value.GetValue<long>();
                if (number < (type["minValue"]?.GetValue<long>() ?? long.MinValue) || number > (type["maxValue"]?.GetValue<long>() ?? long.MaxValue))
                {
                    problems.Add($"{path}: {number} out of bounds");
                }

                break;
            default:
                break;
        }
    }
}
