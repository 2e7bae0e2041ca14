using System.Text.Json.Nodes;
using Integration.Tests.Support;

namespace Integration.Tests.Deploy;

/// <summary>infra/main.bicep built and linted once for the tests that read it.</summary>
public sealed class InfraTemplates : IAsyncLifetime
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "infra-" + Guid.NewGuid().ToString("N"));

    public static string Folder => Path.Combine(RepositoryRoot.Path, "infra");

    public static string TopologyFile => Path.Combine(Folder, "topology.weihai.json");

    public BicepRun Build { get; private set; } = null!;

    public BicepRun Lint { get; private set; } = null!;

    public JsonObject Template { get; private set; } = null!;

    public string TemplateText { get; private set; } = "";

    public IReadOnlyList<ArmResource> Resources { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(output);
        var compiled = Path.Combine(output, "main.json");
        Build = await BicepCli.RunAsync(Folder, "build", "main.bicep", "--outfile", compiled);
        Lint = await BicepCli.RunAsync(Folder, "lint", "main.bicep");
        TemplateText = File.Exists(compiled) ? await File.ReadAllTextAsync(compiled) : "{}";
        Template = JsonNode.Parse(TemplateText)!.AsObject();
        Resources = ArmTemplate.Resources(Template).ToArray();
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(output, recursive: true);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<ArmResource> OfType(string type) => Resources.Where(r => r.Type == type).ToArray();
}
