using System.Text.Json.Nodes;
using Integration.Tests.Deploy;
using Integration.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Integration.Tests.Platform.HostRules;

/// <summary>
/// The build's <c>functions.metadata</c> and host.json pass the Functions host's load-time checks with the app settings
/// the host is given: <c>functions/local.settings.json</c> under <c>func start</c>, infra/'s app settings on Azure.
/// </summary>
[Trait("lane", "integration")]
public sealed class HostLoadRulesTests(InfraTemplates infra) : IClassFixture<InfraTemplates>
{
    [Fact]
    public void The_host_loads_every_function_with_local_settings()
    {
        var problems = HostLoadRules.Check(BuiltMetadata(), HostJson(), LocalSettings(), "functions/local.settings.json");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_host_loads_every_function_with_infra_s_app_settings()
    {
        var settings = infra.Template["resources"]!["functionApp"]!["properties"]!["template"]!["variables"]!["appSettings"]!.AsObject()
            .Where(s => s.Value is JsonValue v && v.TryGetValue<string>(out _))
            .Select(s => KeyValuePair.Create(s.Key, s.Value!.GetValue<string>()));
        var problems = HostLoadRules.Check(BuiltMetadata(), HostJson(), HostLoadRules.AsConfigurationKeys(settings), "infra/modules/functionApp.bicep");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// Under <c>func start</c> the host resolves a timer's schedule from local.settings.json and the worker reads its own
    /// from appsettings; they must be the same schedule, or the two would fire at different times.
    /// </summary>
    [Fact]
    public void Local_settings_give_the_host_the_schedules_the_app_uses_in_Development()
    {
        var app = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot.Path, "functions", "appsettings.json"), optional: false)
            .AddJsonFile(Path.Combine(RepositoryRoot.Path, "functions", "appsettings.Development.json"), optional: false)
            .Build();
        var local = LocalSettings();
        Assert.Equal("Development", local["AZURE_FUNCTIONS_ENVIRONMENT"]);
        foreach (var timer in Functions.Platform.Hosting.FunctionIndex.ForApp.Timers.Where(t => t.Schedule.StartsWith('%')))
        {
            var key = timer.Schedule.Trim('%');
            Assert.Equal(app[key], local[key]);
        }

        Assert.Equal(app["Durable:TaskHub"], local["Durable:TaskHub"]);
    }

    /// <summary>
    /// The Durable extension builds its management URLs from <c>WEBSITE_HOSTNAME</c>, and a <c>[DurableClient]</c>
    /// binding fails without it. App Service sets it on Azure (it is the site's own host name, reserved to the platform);
    /// under <c>func start</c> nothing does, so local.settings.json carries it.
    /// </summary>
    [Fact]
    public void Local_settings_name_the_host_the_durable_client_binding_needs()
    {
        var local = LocalSettings();
        Assert.Equal("localhost:7071", local["WEBSITE_HOSTNAME"]);
        Assert.Equal("dotnet-isolated", local["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.False(string.IsNullOrEmpty(local["AzureWebJobsStorage"]));
    }

    public static TheoryData<string, string> Refused => new()
    {
        { """{"name":"ops","bindings":[{"type":"httpTrigger","route":"admin/things","methods":["get"]}]}""", "conflicts with one or more built in routes" },
        { """{"name":"ops","bindings":[{"type":"httpTrigger","route":"Administration","methods":["get"]}]}""", "conflicts with one or more built in routes" },
        { """{"name":"ops","bindings":[{"type":"httpTrigger","route":"/runtime/x","methods":["get"]}]}""", "conflicts with one or more built in routes" },
        { """{"name":"ops","bindings":[{"type":"httpTrigger","route":"a/{id","methods":["get"]}]}""", "is not a route template" },
        { """{"name":"9ops","bindings":[{"type":"httpTrigger","route":"ops","methods":["get"]}]}""", "not a valid function name" },
        { """{"name":"ops","bindings":[{"type":"timerTrigger","schedule":"%Missing:Schedule%"}]}""", "%Missing:Schedule% has no value" },
        { """{"name":"ops","bindings":[{"type":"timerTrigger","schedule":"%Five%"}]}""", "invalid NCRONTAB expression" },
        { """{"name":"ops","bindings":[{"type":"timerTrigger","schedule":"0 0 9 * * 7"}]}""", "invalid NCRONTAB expression" },
        { """{"name":"ops","bindings":[{"type":"queueTrigger","connection":"%Nowhere%"}]}""", "%Nowhere% has no value" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void What_the_host_refuses_is_reported(string function, string expected)
    {
        var settings = new Dictionary<string, string> { ["Five"] = "0 */5 * * *" };
        var problems = HostLoadRules.Check([JsonNode.Parse(function)!.AsObject()], null, settings, "the test's settings");
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_names_and_conflicting_routes_are_reported()
    {
        var functions = new[]
        {
            """{"name":"a","bindings":[{"type":"httpTrigger","route":"things/{id}","methods":["get","post"]}]}""",
            """{"name":"A","bindings":[{"type":"httpTrigger","route":"other","methods":["get"]}]}""",
            """{"name":"b","bindings":[{"type":"httpTrigger","route":"Things/{id}","methods":["post"]}]}""",
            """{"name":"c","bindings":[{"type":"httpTrigger","route":"things/{id}","methods":["delete"]}]}""",
        }.Select(f => JsonNode.Parse(f)!.AsObject());
        var problems = HostLoadRules.Check(functions, null, new Dictionary<string, string>(), "none");
        Assert.Contains(problems, p => p.StartsWith("A: a function of this name already exists", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("b: route 'Things/{id}' conflicts with the route defined by function 'a'", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.StartsWith("c:", StringComparison.Ordinal));
    }

    private static JsonObject[] BuiltMetadata()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(file), $"{file} is missing: the function app's build writes it and the test project copies it.");
        return JsonNode.Parse(File.ReadAllText(file))!.AsArray().Select(f => f!.AsObject()).ToArray();
    }

    private static JsonNode HostJson() => JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")))!;

    private static IReadOnlyDictionary<string, string> LocalSettings()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "functions", "local.settings.json")))!["Values"]!.AsObject();
        return HostLoadRules.AsConfigurationKeys(values.Select(v => KeyValuePair.Create(v.Key, v.Value!.GetValue<string>())));
    }
}
