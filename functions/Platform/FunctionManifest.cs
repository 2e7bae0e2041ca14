using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integration.Functions.Platform;

/// <summary>
/// Derives an Azure Functions custom-handler layout from the catalogue: one folder per function
/// holding its <c>function.json</c>, to sit beside <c>host.json</c>. HTTP functions are forwarded
/// to the app as they are; timer and topic functions are invoked on <c>POST /{name}</c>.
/// </summary>
public static class FunctionManifest
{
    /// <summary>App setting that holds the Service Bus connection on Azure.</summary>
    public const string ServiceBusConnection = "ServiceBusConnection";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject For(FunctionDefinition function) => function switch
    {
        HttpFunction http => Bindings(
            new JsonObject
            {
                ["type"] = "httpTrigger",
                ["direction"] = "in",
                ["name"] = "req",
                ["authLevel"] = "anonymous",
                ["methods"] = new JsonArray(http.Method.ToLowerInvariant()),
                ["route"] = http.Route,
            },
            new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        TimerFunction timer => Bindings(new JsonObject
        {
            ["type"] = "timerTrigger",
            ["direction"] = "in",
            ["name"] = "timer",
            ["schedule"] = timer.Schedule,
        }),
        TopicFunction topic => Bindings(new JsonObject
        {
            ["type"] = "serviceBusTrigger",
            ["direction"] = "in",
            ["name"] = "message",
            ["topicName"] = topic.Topic,
            ["subscriptionName"] = topic.Subscription,
            ["connection"] = ServiceBusConnection,
        }),
        Orchestrations.OrchestrationFunction => Bindings(new JsonObject
        {
            ["type"] = "orchestrationTrigger",
            ["direction"] = "in",
            ["name"] = "context",
        }),
        Orchestrations.ActivityFunction => Bindings(new JsonObject
        {
            ["type"] = "activityTrigger",
            ["direction"] = "in",
            ["name"] = "input",
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, "Unknown function kind."),
    };

    /// <summary>Writes <c>{folder}/{name}/function.json</c> for every function; returns the files written.</summary>
    public static IReadOnlyList<string> Write(FunctionCatalogue catalogue, string folder)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var written = new List<string>();
        foreach (var function in catalogue.Functions)
        {
            var directory = Path.Combine(folder, function.Name);
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, "function.json");
            File.WriteAllText(file, For(function).ToJsonString(Indented) + Environment.NewLine);
            written.Add(file);
        }

        return written;
    }

    private static JsonObject Bindings(params JsonObject[] bindings) => new() { ["bindings"] = new JsonArray(bindings) };
}
