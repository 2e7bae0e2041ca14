using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Functions.Platform.Timers;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Integration.Tests.Platform.HostRules;

/// <summary>
/// What the Azure Functions host checks when it loads a worker's <c>functions.metadata</c>, written down so that a
/// function it would refuse fails a test here instead of silently not existing on Azure (the host cannot run on this
/// build machine). Each rule names the host's own message or behaviour:
/// <list type="bullet">
/// <item>a function name matches <c>^[a-z][a-z0-9_\-]{0,127}$</c> (any case) and is unique, ignoring case;</item>
/// <item>an HTTP route may not start with <c>admin</c> or <c>runtime</c> ("The specified route conflicts with one or more
/// built in routes"; the check is on the characters, so <c>administration</c> is refused too);</item>
/// <item>a route is a template ASP.NET Core routing can parse, and no two functions share a template with a method in
/// common ("The route specified conflicts with the route defined by function …");</item>
/// <item>every <c>%Setting%</c> in a binding or in host.json has a value in the host's app settings;</item>
/// <item>a timer schedule, once resolved, is an NCRONTAB expression; the platform asks for six fields (seconds first).</item>
/// </list>
/// </summary>
public static partial class HostLoadRules
{
    private static readonly string[] ReservedRoutePrefixes = ["admin", "runtime"];

    /// <summary>Every refusal the host would make, one line each; empty when it would load every function.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<JsonObject> functions, JsonNode? hostJson, IReadOnlyDictionary<string, string> appSettings, string settingsSource)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(appSettings);
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var routes = new List<(string Function, string Template, string[] Methods)>();
        foreach (var function in functions)
        {
            var name = (string?)function["name"] ?? "";
            if (!FunctionName().IsMatch(name))
            {
                problems.Add($"{name}: not a valid function name");
            }

            if (!names.Add(name))
            {
                problems.Add($"{name}: a function of this name already exists (names are compared ignoring case)");
            }

            foreach (var binding in function["bindings"]?.AsArray() ?? [])
            {
                CheckSettings(name, binding!, appSettings, settingsSource, problems);
                switch ((string?)binding!["type"])
                {
                    case "httpTrigger":
                        CheckRoute(name, binding, routes, problems);
                        break;
                    case "timerTrigger":
                        CheckSchedule(name, (string?)binding["schedule"] ?? "", appSettings, settingsSource, problems);
                        break;
                }
            }
        }

        if (hostJson is not null)
        {
            CheckSettings("host.json", hostJson, appSettings, settingsSource, problems);
        }

        return problems;
    }

    /// <summary>Settings as the host sees them: app settings use <c>__</c> where configuration keys use <c>:</c>.</summary>
    public static IReadOnlyDictionary<string, string> AsConfigurationKeys(IEnumerable<KeyValuePair<string, string>> settings) =>
        settings.ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => s.Value, StringComparer.OrdinalIgnoreCase);

    private static void CheckRoute(string function, JsonNode binding, List<(string Function, string Template, string[] Methods)> routes, List<string> problems)
    {
        var route = ((string?)binding["route"] ?? function).Trim('/');
        if (ReservedRoutePrefixes.Any(p => route.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{function}: route '{route}' conflicts with one or more built in routes (admin, runtime)");
        }

        try
        {
            RoutePatternFactory.Parse(route);
        }
        catch (RoutePatternException e)
        {
            problems.Add($"{function}: route '{route}' is not a route template: {e.Message}");
            return;
        }

        var methods = binding["methods"]?.AsArray().Select(m => ((string)m!).ToUpperInvariant()).ToArray() ?? [];
        foreach (var other in routes.Where(r => string.Equals(r.Template, route, StringComparison.OrdinalIgnoreCase)))
        {
            if (methods.Length == 0 || other.Methods.Length == 0 || methods.Intersect(other.Methods).Any())
            {
                problems.Add($"{function}: route '{route}' conflicts with the route defined by function '{other.Function}'");
            }
        }

        routes.Add((function, route, methods));
    }

    private static void CheckSchedule(string function, string schedule, IReadOnlyDictionary<string, string> appSettings, string settingsSource, List<string> problems)
    {
        var resolved = SettingExpression().Replace(schedule, m => appSettings.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
        if (SettingExpression().IsMatch(resolved))
        {
            return; // Reported as an unresolved setting.
        }

        if (!CronSchedule.TryParse(resolved, out _, out var error))
        {
            problems.Add($"{function}: schedule '{schedule}' resolves in {settingsSource} to an invalid NCRONTAB expression: {error}");
        }
    }

    private static void CheckSettings(string owner, JsonNode node, IReadOnlyDictionary<string, string> appSettings, string settingsSource, List<string> problems)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    if (value is not null)
                    {
                        CheckSettings(owner, value, appSettings, settingsSource, problems);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    CheckSettings(owner, item, appSettings, settingsSource, problems);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                foreach (Match match in SettingExpression().Matches(text))
                {
                    var key = match.Groups[1].Value;
                    if (!appSettings.TryGetValue(key, out var resolved) || string.IsNullOrWhiteSpace(resolved))
                    {
                        problems.Add($"{owner}: %{key}% has no value in {settingsSource}");
                    }
                }

                break;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_\\-]{0,127}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FunctionName();

    [GeneratedRegex("%([^%\\s]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex SettingExpression();
}
