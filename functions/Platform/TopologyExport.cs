using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Integration.Domain.Identity;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;

namespace Integration.Functions.Platform;

/// <summary>
/// Writes the Service Bus topology the app declares as a deployment parameters file for
/// <c>infra/main.bicep</c> (parameter <c>topics</c>), so the templates create exactly the topics,
/// subscriptions and correlation filters the code publishes to and no hand-kept copy can drift.
/// </summary>
/// <remarks>
/// Only subscriptions named after a principal of the municipality are exported: on Azure, Service Bus
/// carries what other systems read with their own credentials. A subscription the platform consumes
/// itself has no place there (no Service Bus trigger is declared on Azure), and a topic left without
/// subscriptions is left out.
/// </remarks>
public static class TopologyExport
{
    public const string ParametersSchema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The municipality's principals, read from its file as the app reads them at start-up.</summary>
    public static PrincipalRegistry LoadRegistry(string municipalityFile)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(municipalityFile), optional: false).Build();
        var municipality = configuration.GetSection(MunicipalityOptions.Section).Get<MunicipalityOptions>()
            ?? throw new InvalidOperationException($"{municipalityFile}: no '{MunicipalityOptions.Section}' section.");
        return municipality.ToRegistry();
    }

    /// <summary>The deployment parameters document: <c>{ "parameters": { "topics": { "value": [...] } } }</c>.</summary>
    public static JsonObject ParametersFor(TopicTopology topology, PrincipalRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(registry);
        var topics = new JsonArray();
        foreach (var topic in topology.Topics)
        {
            var subscriptions = topic.Subscriptions.Where(s => registry.Find(s.Name) is not null).Select(Subscription).ToArray();
            if (subscriptions.Length == 0)
            {
                continue;
            }

            topics.Add(new JsonObject
            {
                ["name"] = topic.Name,
                ["duplicateDetectionHistoryTimeWindow"] = XmlConvert.ToString(topic.DuplicateDetectionWindow),
                ["subscriptions"] = new JsonArray(subscriptions),
            });
        }

        return new JsonObject
        {
            ["$schema"] = ParametersSchema,
            ["contentVersion"] = "1.0.0.0",
            ["parameters"] = new JsonObject { ["topics"] = new JsonObject { ["value"] = topics } },
        };
    }

    public static string ToText(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>Writes the parameters file; returns its full path.</summary>
    public static string Write(TopicTopology topology, PrincipalRegistry registry, string file)
    {
        var path = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, ToText(ParametersFor(topology, registry)));
        return path;
    }

    private static JsonObject Subscription(SubscriptionDefinition subscription)
    {
        var node = new JsonObject
        {
            ["name"] = subscription.Name,
            ["lockDuration"] = XmlConvert.ToString(subscription.LockDuration),
            ["maxDeliveryCount"] = subscription.MaxDeliveryCount,
        };
        if (subscription.DefaultTimeToLive is { } ttl)
        {
            node["defaultMessageTimeToLive"] = XmlConvert.ToString(ttl);
        }

        node["filters"] = new JsonArray(subscription.Filters.Select(Filter).ToArray());
        return node;
    }

    private static JsonObject Filter(CorrelationFilter filter)
    {
        var properties = new JsonObject();
        foreach (var (name, value) in filter.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            properties[name] = value;
        }

        var node = new JsonObject { ["properties"] = properties };
        if (filter.Subject is not null)
        {
            node["subject"] = filter.Subject;
        }

        if (filter.CorrelationId is not null)
        {
            node["correlationId"] = filter.CorrelationId;
        }

        return node;
    }
}
