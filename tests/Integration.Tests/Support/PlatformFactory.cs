using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Integration.Tests.Support;

/// <summary>
/// The real function app on the test server: the whole HTTP pipeline, a throw-away data folder,
/// and any configuration a test needs to change.
/// </summary>
public class PlatformFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IServiceCollection>> serviceChanges = [];

    public PlatformFactory(string environment = "Development")
    {
        Environment = environment;
        DataPath = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        settings["Storage:DataPath"] = DataPath;

        // Development points the pull at the built-in sample feed; tests pull only where they say so.
        settings["Connectors:ApprovalSystem:BaseUrl"] = "";

        // Likewise Development's sample officers: tests store the rosters they need.
        settings["Enforcement:SeedDevelopmentOfficers"] = "false";

        // Most tests exercise no orchestration: they skip the Durable Task engine (and its Azurite) unless they turn it on.
        settings["Durable:Engine"] = "Off";
    }

    public string Environment { get; }

    public string DataPath { get; }

    public PlatformFactory With(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    /// <summary>Changes the app's services after it registered its own (fault injection, test handlers, clocks).</summary>
    public PlatformFactory WithServices(Action<IServiceCollection> change)
    {
        serviceChanges.Add(change);
        return this;
    }

    /// <summary>Replaces the app's clock, e.g. with a <see cref="ManualTimeProvider"/>; call before the first client.</summary>
    public PlatformFactory WithTime(TimeProvider clock) =>
        WithServices(services => services.RemoveAll<TimeProvider>().AddSingleton(clock));

    /// <summary>A client that authenticates as <paramref name="principalId"/> with its development key.</summary>
    public HttpClient ClientFor(string principalId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"dev-{principalId}");
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(Environment);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => serviceChanges.ForEach(change => change(services)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(DataPath))
        {
            try
            {
                Directory.Delete(DataPath, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a pooled connection is left to the OS's temp cleanup.
            }
        }
    }
}
