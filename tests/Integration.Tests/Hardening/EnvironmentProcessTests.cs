using System.Diagnostics;
using System.Net;
using System.Reflection;
using Integration.Tests.Infrastructure;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>
/// The environment is what the operator sets, also under <c>dotnet run</c> with its launch profile: the
/// test host sets the environment itself and would hide a profile that overrides it, so these run the
/// real command as a child process.
/// </summary>
[Trait("lane", "integration")]
public sealed class EnvironmentProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dotnet_run_with_ASPNETCORE_ENVIRONMENT_Production_really_runs_as_production()
    {
        // Nobody can sign in to it, so its health says unhealthy: the launch waits for that 503.
        await using var app = await RunAsync("Production");
        using var client = app.Client("dev-admin");
        var problem = await (await client.GetAsync("/api/me", Ct)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Development keys are accepted only in the Development environment.", problem.GetProperty("detail").GetString());
        Assert.Single(app.Lines, l => l.Contains("No API keys are configured", StringComparison.Ordinal));
        var health = await (await client.GetAsync("/api/health", Ct)).ReadJsonAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unhealthy", health.GetProperty("checks").GetProperty("identity").GetProperty("status").GetString());
        await (await client.GetAsync("/openapi/v1.json", Ct)).ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Dotnet_run_without_an_environment_is_development_with_its_keys()
    {
        await using var app = await RunAsync(null);
        using var client = app.Client("dev-admin");
        var me = await (await client.GetAsync("/api/me", Ct)).ReadJsonAsync();
        Assert.Equal("admin", me.GetProperty("id").GetString());
    }

    private static async Task<BuiltFunctionApp> RunAsync(string? environment)
    {
        var configuration = typeof(EnvironmentProcessTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var port = AzuriteFixture.FreeLoopbackPort();
        var data = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in new[]
        {
            "run", "--no-build", "-c", configuration, "--project", "functions", "--",
            "--urls", $"http://127.0.0.1:{port}", $"--Storage:DataPath={data}", "--Connectors:ApprovalSystem:BaseUrl=",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        if (environment is not null)
        {
            start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        }

        return await BuiltFunctionApp.LaunchAsync(start, port, data, Ct, unhealthy: environment == "Production");
    }
}
