using System.Text.Json.Nodes;
using Integration.Functions.Identity.EntraId;

namespace Integration.Tests.Deploy;

/// <summary>The Entra ID app settings of infra/: written only for a tenant, named as the app reads them, never a secret.</summary>
[Trait("lane", "integration")]
public sealed class EntraIdInfraTests(InfraTemplates infra) : IClassFixture<InfraTemplates>
{
    [Fact]
    public void Entra_ID_settings_are_written_only_when_a_tenant_is_named_and_carry_no_secret()
    {
        var settings = FunctionApp()["variables"]!["entraSettings"]!.GetValue<string>();

        Assert.StartsWith("[if(empty(parameters('entraTenantId')), createObject(),", settings, StringComparison.Ordinal);
        foreach (var key in new[] { nameof(EntraIdOptions.Instance), nameof(EntraIdOptions.TenantId), nameof(EntraIdOptions.Audience) })
        {
            Assert.Contains($"'Identity__EntraId__{key}'", settings, StringComparison.Ordinal);
        }

        Assert.Contains($"'Identity__EntraId__{nameof(EntraIdOptions.Principals)}__{{0}}'", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", settings, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("union(variables('appSettings'), variables('entraSettings')", infra.TemplateText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sign_in_host_defaults_to_the_cloud_deployed_to()
    {
        var parameters = infra.Template["parameters"]!;

        Assert.Equal("[environment().authentication.loginEndpoint]", parameters["entraInstance"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal("", parameters["entraTenantId"]!["defaultValue"]!.GetValue<string>());
    }

    private JsonObject FunctionApp() => infra.Template["resources"]!["functionApp"]!["properties"]!["template"]!.AsObject();
}
