using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Integration.Domain.Storage;
using Integration.Functions.Infrastructure;
using Integration.Functions.Infrastructure.Azure;
using Integration.Functions.Infrastructure.AzureTables;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Integration.Tests.Infrastructure;

[Trait("lane", "integration")]
public sealed class StorageServiceCollectionExtensionsTests
{
    // The well-known Azurite account; its key is public, and stands in for a secret that must not be echoed.
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Sqlite_is_the_default_provider()
    {
        var folder = Directory.CreateTempSubdirectory("storage-").FullName;
        try
        {
            using var provider = Build(new() { ["Storage:DataPath"] = folder });

            provider.GetRequiredService<IStartupValidator>().Validate();
            Assert.IsType<SqliteTableStore>(provider.GetRequiredService<ITableStore>());
            Assert.Equal(Path.Combine(folder, "integration.db"), provider.GetRequiredService<SqliteDatabase>().FilePath);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AzureTables_provider_uses_the_connection_string()
    {
        using var provider = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<AzureTableStore>(provider.GetRequiredService<ITableStore>());
        var client = provider.GetRequiredService<TableServiceClient>();
        Assert.Equal("devstoreaccount1", client.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), client.Uri);
    }

    [Fact]
    public void Endpoint_and_credential_compose_a_client_on_that_endpoint_with_the_configured_cloud()
    {
        var identity = Guid.NewGuid().ToString();
        using var provider = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:TableEndpoint"] = "https://stweihai.table.core.chinacloudapi.cn",
            ["Azure:AuthorityHost"] = "https://login.chinacloudapi.cn",
            ["Azure:ManagedIdentityClientId"] = identity,
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var client = provider.GetRequiredService<TableServiceClient>();
        Assert.Equal(new Uri("https://stweihai.table.core.chinacloudapi.cn"), client.Uri);
        Assert.Equal("stweihai", client.AccountName);
        Assert.IsType<AzureTableStore>(provider.GetRequiredService<ITableStore>());
        Assert.IsType<DefaultAzureCredential>(provider.GetRequiredService<TokenCredential>());
        var options = AzureCredentials.CredentialOptions(provider.GetRequiredService<IOptions<AzureIdentityOptions>>().Value);
        Assert.Equal(new Uri("https://login.chinacloudapi.cn"), options.AuthorityHost);
        Assert.Equal(identity, options.ManagedIdentityClientId);
    }

    [Fact]
    public void Without_azure_settings_the_credential_keeps_the_public_cloud_and_the_system_identity()
    {
        var options = AzureCredentials.CredentialOptions(new AzureIdentityOptions());

        Assert.Equal(AzureAuthorityHosts.AzurePublicCloud, options.AuthorityHost);
        Assert.Null(options.ManagedIdentityClientId);
    }

    /// <summary>
    /// No Entra ID and no https table endpoint run here, so the wire is recorded instead: the request goes to the
    /// configured endpoint and carries a bearer token that the shared credential issued for Azure Storage.
    /// </summary>
    [Fact]
    public async Task Endpoint_mode_signs_requests_with_the_shared_credential()
    {
        var credential = new RecordingCredential();
        var handler = new RecordingHandler();
        using var provider = Build(
            new()
            {
                ["Storage:Provider"] = "AzureTables",
                ["Storage:TableEndpoint"] = "https://stweihai.table.core.chinacloudapi.cn",
            },
            services => services
                .AddSingleton<TokenCredential>(credential)
                .AddAzureClients(clients => clients.ConfigureDefaults(o => o.Transport = new HttpClientTransport(new HttpClient(handler)))));

        await provider.GetRequiredService<ITableStore>().PingAsync(Ct);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("stweihai.table.core.chinacloudapi.cn", request.RequestUri!.Host);
        Assert.Equal("Bearer token-1", request.Headers.Authorization?.ToString());
        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
    }

    [Theory]
    [InlineData(null, null, "Storage:ConnectionString or Storage:TableEndpoint")]
    [InlineData("UseDevelopmentStorage=true", "https://a.table.core.windows.net", "not both")]
    [InlineData(null, "http://a.table.core.windows.net", "Storage:TableEndpoint must be an absolute https URI")]
    [InlineData(null, "a.table.core.windows.net", "Storage:TableEndpoint must be an absolute https URI")]
    public void Azure_table_settings_that_cannot_work_stop_the_start_naming_the_key(string? connectionString, string? endpoint, string expected)
    {
        using var provider = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:TableEndpoint"] = endpoint,
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountKey=secret;nonsense")]
    [InlineData($"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={AzuriteKey};TableEndpoint=not a uri")]
    [InlineData("secret")]
    public void An_unparsable_connection_string_names_the_setting_without_quoting_it(string connectionString)
    {
        using var provider = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = connectionString,
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Storage:ConnectionString is not a valid Azure Storage connection string", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteKey, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Azure:AuthorityHost", "login.chinacloudapi.cn")]
    [InlineData("Azure:AuthorityHost", "http://login.chinacloudapi.cn")]
    [InlineData("Azure:ManagedIdentityClientId", "my-identity")]
    public void Azure_identity_settings_that_cannot_work_stop_the_start_naming_the_key(string key, string value)
    {
        using var provider = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:TableEndpoint"] = "https://a.table.core.windows.net",
            [key] = value,
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_does_not_start_on_a_malformed_table_endpoint()
    {
        using var platform = new Support.PlatformFactory()
            .With("Storage:Provider", "AzureTables")
            .With("Storage:TableEndpoint", "ftp://stweihai.table.core.windows.net");

        var error = Assert.ThrowsAny<Exception>(() => platform.CreateClient());

        Assert.Contains("Storage:TableEndpoint", error.ToString(), StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? change = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddTableStore(configuration);
        change?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private sealed class RecordingCredential : TokenCredential
    {
        private int issued;

        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken($"token-{Interlocked.Increment(ref issued)}", DateTimeOffset.MaxValue);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Answers the table listing as the service would, and keeps every request.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request);
            }

            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"odata.metadata":"https://stweihai.table.core.chinacloudapi.cn/$metadata#Tables","value":[]}"""),
            };
            response.Content.Headers.ContentType = new("application/json") { Parameters = { new("odata", "minimalmetadata") } };
            return Task.FromResult(response);
        }
    }
}
