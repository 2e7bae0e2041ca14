using System.Text.Json.Nodes;
using Integration.Domain.Identity;
using Integration.Functions;
using Integration.Functions.Platform;
using Integration.Tests.Support;

namespace Integration.Tests.Deploy;

/// <summary>infra/topology.weihai.json is what the app declares for Weihai, written by <c>export-topology</c>.</summary>
[Trait("lane", "integration")]
public sealed class TopologyParametersTests
{
    private const string Regenerate = "dotnet run --project functions -- export-topology ../infra/topology.weihai.json";

    private static string MunicipalityFile => Path.Combine(RepositoryRoot.Path, "functions", "Municipalities", "weihai.json");

    [Fact]
    public void Committed_topology_file_is_what_the_app_declares()
    {
        var registry = TopologyExport.LoadRegistry(MunicipalityFile);
        var expected = TopologyExport.ToText(TopologyExport.ParametersFor(AppFunctions.Topology(registry), registry));
        var committed = File.ReadAllText(InfraTemplates.TopologyFile).ReplaceLineEndings("\n");
        Assert.True(expected == committed, $"infra/topology.weihai.json is stale: run `{Regenerate}` and commit the file.");
    }

    [Fact]
    public void Export_topology_command_writes_the_committed_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"topology-{Guid.NewGuid():N}.json");
        try
        {
            typeof(Program).Assembly.EntryPoint!.Invoke(null, [new[] { "export-topology", file, MunicipalityFile }]);
            Assert.Equal(File.ReadAllText(InfraTemplates.TopologyFile), File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_department_reads_approvals_and_leads_filtered_on_its_own_id()
    {
        var registry = TopologyExport.LoadRegistry(MunicipalityFile);
        var topics = Topics();
        var departments = registry.All.Where(p => p.Has(PrincipalRole.Department)).Select(p => p.Id).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(22 + 1, departments.Length);
        foreach (var topic in new[] { "approvals", "leads" })
        {
            var subscriptions = topics[topic]!["subscriptions"]!.AsArray();
            Assert.Equal(departments, subscriptions.Select(s => s!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.All(subscriptions, s =>
            {
                var filter = Assert.Single(s!["filters"]!.AsArray())!;
                Assert.Equal(s["name"]!.GetValue<string>(), filter["properties"]!["department"]!.GetValue<string>());
            });
        }
    }

    [Fact]
    public void Every_department_reads_its_coordination_reports_and_ndrc_reads_them_all()
    {
        var registry = TopologyExport.LoadRegistry(MunicipalityFile);
        var departments = registry.All.Where(p => p.Has(PrincipalRole.Department)).Select(p => p.Id).Order(StringComparer.Ordinal).ToArray();
        var subscriptions = Topics()["coordination-reports"]!["subscriptions"]!.AsArray();
        Assert.Equal(departments, subscriptions.Select(s => s!["name"]!.GetValue<string>()));
        Assert.All(subscriptions, s =>
        {
            var filters = s!["filters"]!.AsArray();
            if (s["name"]!.GetValue<string>() == "ndrc")
            {
                Assert.Empty(filters);
            }
            else
            {
                Assert.Equal(s["name"]!.GetValue<string>(), Assert.Single(filters)!["properties"]!["department"]!.GetValue<string>());
            }
        });
    }

    [Fact]
    public void Only_subscriptions_other_systems_read_go_to_Service_Bus()
    {
        var topics = Topics();
        Assert.Equal(["approval-feedback", "approvals", "coordination-reports", "enforcement", "lead-feedback", "leads"], topics.Select(t => t.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["approval-system"], topics["approval-feedback"]!["subscriptions"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Empty(topics["approval-feedback"]!["subscriptions"]![0]!["filters"]!.AsArray());
        Assert.All(
            topics.SelectMany(t => t.Value!["subscriptions"]!.AsArray()),
            s =>
            {
                Assert.Equal(10, s!["maxDeliveryCount"]!.GetValue<int>());
                Assert.Equal("PT1M", s["lockDuration"]!.GetValue<string>());
            });
        Assert.All(topics, t => Assert.Equal("PT10M", t.Value!["duplicateDetectionHistoryTimeWindow"]!.GetValue<string>()));
    }

    private static JsonObject Topics()
    {
        var value = JsonNode.Parse(File.ReadAllText(InfraTemplates.TopologyFile))!["parameters"]!["topics"]!["value"]!.AsArray();
        var topics = new JsonObject();
        foreach (var topic in value)
        {
            topics[topic!["name"]!.GetValue<string>()] = topic.DeepClone();
        }

        return topics;
    }
}
