using System.Text.Json.Nodes;
using System.Xml;
using Integration.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Integration.Tests.Deploy;

/// <summary>infra/ compiled and linted by the packaged Bicep compiler, and the compiled template read for what matters on Azure.</summary>
[Trait("lane", "integration")]
public sealed class InfraTemplateTests(InfraTemplates infra) : IClassFixture<InfraTemplates>
{
    /// <summary>Warnings accepted on purpose, each explained in docs/deploy.md ("Linter"). None today.</summary>
    private static readonly string[] KnownWarnings = [];

    // Azure built-in role definition ids, as Microsoft documents them (the same in every cloud).
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    private static readonly string Unlimited = XmlConvert.ToString(TimeSpan.MaxValue);

    [Fact]
    public void Bicep_build_succeeds_without_diagnostics()
    {
        Assert.True(infra.Build.ExitCode == 0, infra.Build.Output);
        Assert.DoesNotContain(infra.Build.Diagnostics, d => d.Level == "Error");
        Assert.Equal(KnownWarnings, infra.Build.Diagnostics.Where(d => d.Level == "Warning").Select(d => d.Code).Distinct().Order());
    }

    [Fact]
    public void Bicep_lint_reports_no_error_and_no_unexplained_warning()
    {
        Assert.True(infra.Lint.ExitCode == 0, infra.Lint.Output);
        Assert.DoesNotContain(infra.Lint.Diagnostics, d => d.Level == "Error");
        Assert.Equal(KnownWarnings, infra.Lint.Diagnostics.Where(d => d.Level == "Warning").Select(d => d.Code).Distinct().Order());
    }

    [Theory]
    [InlineData("core.windows.net")]
    [InlineData("servicebus.windows.net")]
    [InlineData("login.microsoftonline.com")]
    [InlineData("chinacloudapi.cn")]
    public void Compiled_template_names_no_cloud_endpoint(string host)
    {
        Assert.DoesNotContain(host, infra.TemplateText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_authority_host_comes_from_the_cloud_deployed_to()
    {
        var app = Module("functionApp");
        Assert.Contains("environment().authentication.loginEndpoint", app["variables"]!["authorityHost"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_topic_or_subscription_is_ever_deleted_for_idling()
    {
        var entities = infra.OfType("Microsoft.ServiceBus/namespaces/topics").Where(IsDeclared)
            .Concat(infra.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions").Where(IsDeclared))
            .ToArray();
        Assert.Equal(2, entities.Length);
        Assert.Equal("P10675199DT2H48M5.4775807S", Unlimited);
        Assert.All(entities, e => Assert.Equal([Unlimited], e.Resolve(e.Property("autoDeleteOnIdle"))));
    }

    [Fact]
    public void Subscriptions_dead_letter_expired_messages_and_topics_detect_duplicates()
    {
        var subscription = Assert.Single(infra.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions"), IsDeclared);
        Assert.True(subscription.Property("deadLetteringOnMessageExpiration")!.GetValue<bool>());
        Assert.Equal("[parameters('subscription').maxDeliveryCount]", subscription.Property("maxDeliveryCount")!.GetValue<string>());
        var topic = Assert.Single(infra.OfType("Microsoft.ServiceBus/namespaces/topics"), IsDeclared);
        Assert.True(topic.Property("requiresDuplicateDetection")!.GetValue<bool>());
        var ns = Assert.Single(infra.OfType("Microsoft.ServiceBus/namespaces"), IsDeclared);
        Assert.Equal("Standard", ns.Body["sku"]!["name"]!.GetValue<string>());
        Assert.True(ns.Property("disableLocalAuth")!.GetValue<bool>());
    }

    [Fact]
    public void The_first_filter_replaces_the_default_rule_with_a_correlation_filter()
    {
        var rule = Assert.Single(infra.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions/rules"));
        Assert.Contains("if(equals(copyIndex(), 0), '$Default'", rule.Body["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("CorrelationFilter", rule.Property("filterType")!.GetValue<string>());
        Assert.StartsWith(
            "[union(createObject('properties', parameters('subscription').filters[copyIndex()].properties),",
            rule.Property("correlationFilter")!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Report_artefacts_have_a_private_blob_container_named_as_the_app_expects()
    {
        var name = $"'{Integration.Functions.Infrastructure.Artefacts.BlobArtefactStore.DefaultContainer}')]";
        var container = Assert.Single(
            infra.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => c.Body["name"]!.GetValue<string>().EndsWith(name, StringComparison.Ordinal));
        Assert.Equal("None", container.Property("publicAccess")!.GetValue<string>());
    }

    [Fact]
    public void Role_assignments_name_the_built_in_roles_by_id_on_the_narrowest_scope()
    {
        // appAccess.bicep is deployed twice (the function app and the console), with the same roles.
        var assignments = infra.OfType("Microsoft.Authorization/roleAssignments").DistinctBy(r => r.SymbolicName).ToDictionary(r => r.SymbolicName);
        Assert.Equal(["receiver", "sender", "storageRole"], assignments.Keys.Order(StringComparer.Ordinal));

        var sender = assignments["sender"];
        Assert.Equal([ServiceBusDataSender], RoleIds(sender));
        Assert.StartsWith("[resourceId('Microsoft.ServiceBus/namespaces/topics',", sender.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);

        var receiver = assignments["receiver"];
        Assert.Equal([ServiceBusDataReceiver], RoleIds(receiver));
        Assert.StartsWith("[resourceId('Microsoft.ServiceBus/namespaces/topics/subscriptions',", receiver.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("[parameters('readerObjectId')]", receiver.Property("principalId")!.GetValue<string>());

        var storage = assignments["storageRole"];
        Assert.Equal(
            new[] { StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor }.Order(),
            RoleIds(storage).Order());
        Assert.StartsWith("[resourceId('Microsoft.Storage/storageAccounts',", storage.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_settings_are_the_configuration_keys_the_app_reads()
    {
        var settings = Module("functionApp")["variables"]!["appSettings"]!.AsObject();
        var keys = settings.Select(s => s.Key.Replace("__", ":", StringComparison.Ordinal)).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "Storage:Provider", "Storage:TableEndpoint", "Storage:BlobEndpoint",
                "Messaging:Provider", "Messaging:ServiceBus:FullyQualifiedNamespace", "Azure:AuthorityHost",
                "AzureWebJobsStorage:credential", "AzureWebJobsStorage:blobServiceUri", "AzureWebJobsStorage:queueServiceUri",
                "AzureWebJobsStorage:tableServiceUri", "APPLICATIONINSIGHTS_CONNECTION_STRING",
            },
            keys);
        Assert.Equal("AzureTables", settings["Storage__Provider"]!.GetValue<string>());
        Assert.Equal("ServiceBus", settings["Messaging__Provider"]!.GetValue<string>());
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]!.GetValue<string>());
        // host.json's hubName is %Durable:TaskHub%: without the setting the Durable extension cannot start.
        Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,44}$", settings["Durable__TaskHub"]!.GetValue<string>());
        Assert.DoesNotContain(keys, k => k.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) && k != "APPLICATIONINSIGHTS_CONNECTION_STRING");
    }

    [Fact]
    public void Every_timer_schedule_the_app_declares_is_an_app_setting_with_the_app_s_default()
    {
        // The Functions host reads %Setting% schedules from app settings only; a missing one stops the function.
        var settings = Module("functionApp")["variables"]!["appSettings"]!.AsObject();
        var defaults = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot.Path, "functions", "appsettings.json"), optional: false)
            .Build();
        var scheduleSettings = Integration.Functions.Platform.Hosting.FunctionIndex.ForApp.Timers
            .Select(t => t.Schedule)
            .Where(s => s.StartsWith('%') && s.EndsWith('%'))
            .Select(s => s.Trim('%'))
            .ToArray();

        Assert.NotEmpty(scheduleSettings);
        foreach (var key in scheduleSettings)
        {
            var setting = settings[key.Replace(":", "__", StringComparison.Ordinal)];
            Assert.True(setting is not null, $"infra/modules/functionApp.bicep does not set {key}.");
            Assert.Equal(defaults[key], setting!.GetValue<string>());
        }
    }

    [Fact]
    public void The_Azure_China_sample_sets_what_the_template_sets_with_Azure_China_endpoints()
    {
        var sample = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot.Path, "functions", "appsettings.AzureChina.json"), optional: false)
            .Build();
        var templateKeys = Module("functionApp")["variables"]!["appSettings"]!.AsObject()
            .Select(s => s.Key.Replace("__", ":", StringComparison.Ordinal))
            .ToHashSet();
        var values = sample.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);
        Assert.Subset(templateKeys, values.Keys.Where(k => k != "Messaging:ServiceBus:InstallTopology").ToHashSet());
        Assert.Equal("https://login.chinacloudapi.cn", values["Azure:AuthorityHost"]);
        Assert.EndsWith(".table.core.chinacloudapi.cn", values["Storage:TableEndpoint"], StringComparison.Ordinal);
        Assert.EndsWith(".blob.core.chinacloudapi.cn", values["Storage:BlobEndpoint"], StringComparison.Ordinal);
        Assert.EndsWith(".servicebus.chinacloudapi.cn", values["Messaging:ServiceBus:FullyQualifiedNamespace"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_app_runs_the_isolated_worker_on_dotnet_10_with_a_managed_identity()
    {
        Assert.Equal("10.0", infra.Template["parameters"]!["dotnetVersion"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal(["FlexConsumption", "ElasticPremium"], infra.Template["parameters"]!["hostingPlan"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
        var site = Assert.Single(infra.OfType("Microsoft.Web/sites"), s => s.Body["kind"]!.GetValue<string>() == "functionapp,linux");
        Assert.Equal("SystemAssigned", site.Body["identity"]!["type"]!.GetValue<string>());
        var text = site.Body["properties"]!.GetValue<string>();
        Assert.Contains("'runtime', createObject('name', 'dotnet-isolated', 'version', parameters('dotnetVersion'))", text, StringComparison.Ordinal);
        Assert.Contains("'type', 'SystemAssignedIdentity'", text, StringComparison.Ordinal);
        var storage = Assert.Single(infra.OfType("Microsoft.Storage/storageAccounts"), IsDeclared);
        Assert.False(storage.Property("allowSharedKeyAccess")!.GetValue<bool>());
    }

    [Fact]
    public void The_topology_file_fits_the_template_parameter_type()
    {
        var topics = JsonNode.Parse(File.ReadAllText(InfraTemplates.TopologyFile))!["parameters"]!["topics"]!["value"];
        var problems = new List<string>();
        ArmTypeCheck.Check(topics, infra.Template["parameters"]!["topics"]!.AsObject(), infra.Template["definitions"]!.AsObject(), "topics", problems);
        Assert.Empty(problems);
        Assert.NotEmpty(topics!.AsArray());
    }

    private static bool IsDeclared(ArmResource resource) => resource.Body["existing"]?.GetValue<bool>() != true;

    private static string[] RoleIds(ArmResource assignment) => assignment.Resolve(assignment.Property("roleDefinitionId")).ToArray();

    private JsonObject Module(string symbolicName) =>
        infra.Template["resources"]![symbolicName]!["properties"]!["template"]!.AsObject();
}
