using System.Text.Json.Nodes;
using Integration.Functions.Platform.Hosting;

namespace Integration.Tests.Deploy;

/// <summary>
/// The console on Azure (infra/modules/consoleApp.bicep): the same build as the app's own host on App Service, beside
/// the function app, on the same storage and topics, running no timer and no engine, so nothing runs twice.
/// </summary>
[Trait("lane", "integration")]
public sealed class ConsoleInfraTests(InfraTemplates infra) : IClassFixture<InfraTemplates>
{
    [Fact]
    public void The_console_switches_off_every_timer_the_app_declares()
    {
        // A timer added to the app and left out here would run on both apps.
        var listed = infra.Template["parameters"]!["timerFunctions"]!["defaultValue"]!.AsArray().Select(t => t!.GetValue<string>());
        var declared = FunctionIndex.ForApp.Timers.Select(t => t.Name).Order(StringComparer.Ordinal);
        Assert.Equal(declared, listed.Order(StringComparer.Ordinal));
        Assert.Contains("'Timers__Disabled__{0}'", Variable("timerSettings"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_console_runs_the_app_s_own_host_without_the_engine_on_the_function_app_s_storage_and_topics()
    {
        var site = Assert.Single(infra.OfType("Microsoft.Web/sites"), s => s.Body["kind"]!.GetValue<string>() == "app,linux");
        Assert.Equal("SystemAssigned", site.Body["identity"]!["type"]!.GetValue<string>());
        var properties = site.Body["properties"]!.ToJsonString();
        Assert.Contains("DOTNETCORE|", properties, StringComparison.Ordinal);
        Assert.Contains("dotnet Integration.Functions.dll", properties, StringComparison.Ordinal);
        Assert.Contains("/api/health", properties, StringComparison.Ordinal);

        var settings = Module()["variables"]!["appSettings"]!.AsObject();
        Assert.Equal("Off", settings["Durable__Engine"]!.GetValue<string>());
        Assert.Equal("AzureTables", settings["Storage__Provider"]!.GetValue<string>());
        Assert.Equal("ServiceBus", settings["Messaging__Provider"]!.GetValue<string>());
        Assert.Equal("Production", settings["ASPNETCORE_ENVIRONMENT"]!.GetValue<string>());
        Assert.Equal("true", settings["ASPNETCORE_FORWARDEDHEADERS_ENABLED"]!.GetValue<string>());
        Assert.False(settings.ContainsKey("OpenApi__Public"), "the OpenAPI document stays for signed-in callers");
        // Not a Functions host: no host storage, and no secret of any kind in a setting.
        Assert.DoesNotContain(settings, s => s.Key.StartsWith("AzureWebJobs", StringComparison.Ordinal) || s.Key.Contains("ConnectionString", StringComparison.Ordinal) && s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING");

        var main = infra.Template["resources"]!["consoleApp"]!["properties"]!["parameters"]!.AsObject();
        foreach (var endpoint in new[] { "storageTableEndpoint", "storageBlobEndpoint", "serviceBusFullyQualifiedNamespace" })
        {
            Assert.Equal(
                infra.Template["resources"]!["functionApp"]!["properties"]!["parameters"]![endpoint]!["value"]!.GetValue<string>(),
                main[endpoint]!["value"]!.GetValue<string>());
        }
    }

    [Fact]
    public void The_console_s_client_secret_is_only_ever_a_Key_Vault_reference()
    {
        var entra = Variable("entraSettings");
        Assert.Contains("'Identity__EntraId__ClientSecret', format('@Microsoft.KeyVault(SecretUri={0})', parameters('entraClientSecretUri'))", entra, StringComparison.Ordinal);
        Assert.DoesNotContain(infra.Template["parameters"]!.AsObject(), p => p.Key.Contains("Secret", StringComparison.Ordinal) && !p.Key.EndsWith("SecretUri", StringComparison.Ordinal));
    }

    [Fact]
    public void The_console_s_identity_gets_the_function_app_s_roles()
    {
        var access = infra.Template["resources"]!["consoleAccess"]!.AsObject();
        Assert.Equal("[parameters('deployConsole')]", access["condition"]!.GetValue<string>());
        Assert.Contains("consoleApp", access["properties"]!["parameters"]!["principalId"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(
            infra.Template["resources"]!["appAccess"]!["properties"]!["template"]!.ToJsonString(),
            access["properties"]!["template"]!.ToJsonString());
    }

    private string Variable(string name) => Module()["variables"]![name]!.GetValue<string>();

    private JsonObject Module() => infra.Template["resources"]!["consoleApp"]!["properties"]!["template"]!.AsObject();
}
