using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Integration.Functions.Platform.Hosting;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Integration.Tests.Identity.EntraId;

/// <summary>
/// Entra ID bearer tokens on the API, checked against a real OpenID provider on loopback: the app fetches its discovery
/// document and keys over HTTP and validates each token's signature, issuer, audience and lifetime itself.
/// </summary>
[Trait("lane", "integration")]
public sealed class EntraIdBearerTests(EntraIdBearerTests.Platform platform) : IClassFixture<EntraIdBearerTests.Platform>
{
    /// <summary>The app with Entra ID on, pointed at a loopback provider that lives as long as it does.</summary>
    public sealed class Platform : PlatformFactory, IAsyncLifetime
    {
        public LoopbackOpenIdProvider Provider { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Provider = await LoopbackOpenIdProvider.StartAsync(TestContext.Current.CancellationToken);
            WithEntraId(this, Provider);
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Provider.DisposeAsync();
        }
    }

    /// <summary>The settings an operator writes, with the loopback provider as the sign-in host.</summary>
    public static PlatformFactory WithEntraId(PlatformFactory platform, LoopbackOpenIdProvider provider) => platform
        .With("Identity:EntraId:Instance", provider.Instance.ToString())
        .With("Identity:EntraId:TenantId", LoopbackOpenIdProvider.TenantId)
        .With("Identity:EntraId:Audience", LoopbackOpenIdProvider.ApiAudience)
        .With("Identity:EntraId:ClientId", LoopbackOpenIdProvider.ClientId)
        .With("Identity:EntraId:ClientSecret", LoopbackOpenIdProvider.ClientSecret)
        .With("Identity:EntraId:AllowHttpOnLoopback", "true")
        .With("Identity:EntraId:Principals:housing", "Department.Housing")
        .With("Identity:EntraId:Principals:water", "Department.Water, Department.Water.Officer")
        .With("Identity:EntraId:Principals:trading-center", "System.TradingCenter");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LoopbackOpenIdProvider Provider => platform.Provider;

    [Fact]
    public async Task A_valid_token_authenticates_as_the_principal_its_app_role_maps_to()
    {
        var body = await (await Get("/api/me", Provider.AccessToken(["Department.Housing"]))).ReadJsonAsync();

        Assert.Equal("housing", body.GetProperty("id").GetString());
        Assert.Equal("威海市住房和城乡建设局", body.GetProperty("displayName").GetString());
        Assert.Equal(["department"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_system_s_app_only_token_for_the_client_id_authenticates_as_the_system()
    {
        var token = Provider.AccessToken(["System.TradingCenter"], audience: LoopbackOpenIdProvider.ClientId);

        var body = await (await Get("/api/me", token)).ReadJsonAsync();

        Assert.Equal("trading-center", body.GetProperty("id").GetString());
        Assert.Equal(["system"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Two_roles_of_one_principal_and_roles_the_platform_does_not_know_still_map_to_it()
    {
        var body = await (await Get("/api/me", Provider.AccessToken(["Department.Water", "Department.Water.Officer", "Mail.Reader"]))).ReadJsonAsync();

        Assert.Equal("water", body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_mapped_principal_can_do_exactly_what_its_key_can()
    {
        var response = await Get("/api/principals", Provider.AccessToken(["Department.Housing"]));

        var problem = await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("'housing' may not do this.", problem.GetProperty("detail").GetString());
    }

    public static TheoryData<string, string> Broken() => new()
    {
        { "audience", "issued for another audience" },
        { "issuer", "not issued by the configured tenant" },
        { "expired", "has expired" },
        { "foreign-key", "signature is not valid" },
        { "malformed", "not a well-formed JWT" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task An_invalid_token_is_a_401_problem_saying_why(string broken, string detail)
    {
        var roles = new[] { "Department.Housing" };
        using var foreign = RSA.Create(2048);
        var token = broken switch
        {
            "audience" => Provider.AccessToken(roles, audience: "api://another-api"),
            "issuer" => Provider.AccessToken(roles, issuer: $"{Provider.Instance}{Guid.Empty}/v2.0"),
            "expired" => Provider.AccessToken(roles, expiresIn: TimeSpan.FromHours(-1)),
            "foreign-key" => Provider.AccessToken(roles, signingKey: new RsaSecurityKey(foreign) { KeyId = "loopback-key-1" }),
            _ => "eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.c2ln",
        };

        var response = await Get("/api/me", token);

        var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData(new[] { "Mail.Reader" }, "map to no principal")]
    [InlineData(new string[0], "carries no app role")]
    [InlineData(new[] { "Department.Housing", "Department.Water" }, "several principals (housing, water)")]
    public async Task A_valid_token_that_maps_to_no_single_principal_is_a_403_problem_saying_why(string[] roles, string detail)
    {
        var problem = await (await Get("/api/me", Provider.AccessToken(roles))).ReadProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_keys_keep_working_beside_tokens()
    {
        var body = await (await platform.ClientFor("ndrc").GetAsync("/api/me", Ct)).ReadJsonAsync();
        Assert.Equal("ndrc", body.GetProperty("id").GetString());

        var problem = await (await Get("/api/me", "dev-nobody")).ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The API key is not valid.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("valid", StatusCodes.Status200OK)]
    [InlineData("expired", StatusCodes.Status401Unauthorized)]
    [InlineData("unmapped", StatusCodes.Status403Forbidden)]
    public async Task Under_the_functions_host_the_pipeline_treats_tokens_the_same(string token, int status)
    {
        var function = (HttpFunctionDescriptor)FunctionIndex.ForApp.Find("me")!;
        using var scope = platform.Services.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = "/api/me";
        http.Response.Body = new MemoryStream();
        http.Request.Headers.Authorization = "Bearer " + token switch
        {
            "valid" => Provider.AccessToken(["Department.Housing"]),
            "expired" => Provider.AccessToken(["Department.Housing"], expiresIn: TimeSpan.FromHours(-1)),
            _ => Provider.AccessToken(["Mail.Reader"]),
        };
        string? invokedAs = null;

        await HttpFunctionMiddleware.RunAsync(http, function, () =>
        {
            invokedAs = Integration.Functions.Identity.Caller.Of(http.Request).Id;
            return Task.FromResult<object?>(TypedResults.Ok());
        });

        Assert.Equal(status, http.Response.StatusCode);
        Assert.Equal(status == StatusCodes.Status200OK ? "housing" : null, invokedAs);
    }

    [Fact]
    public async Task Without_a_tenant_configured_a_token_is_just_a_wrong_api_key()
    {
        using var keysOnly = new PlatformFactory();
        var client = keysOnly.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Provider.AccessToken(["Department.Housing"]));

        var problem = await (await client.GetAsync("/api/me", Ct)).ReadProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("The API key is not valid.", problem.GetProperty("detail").GetString());
    }

    private async Task<HttpResponseMessage> Get(string path, string token)
    {
        var client = platform.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(path, Ct);
    }
}
