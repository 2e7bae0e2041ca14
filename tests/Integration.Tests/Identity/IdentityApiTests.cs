using System.Net;
using System.Net.Http.Headers;
using Integration.Functions.Identity;
using Integration.Tests.Support;

namespace Integration.Tests.Identity;

[Trait("lane", "integration")]
public sealed class IdentityApiTests(IdentityApiTests.Platform platform) : IClassFixture<IdentityApiTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    [Theory]
    [InlineData("housing", "威海市住房和城乡建设局", new[] { "department" })]
    [InlineData("ndrc", "威海市发展和改革委员会", new[] { "department", "coordinator" })]
    [InlineData("trading-center", "威海市公共资源交易中心", new[] { "system" })]
    [InlineData("approval-system", "威海市行政审批服务局审批系统", new[] { "system" })]
    [InlineData("admin", "平台运维管理员", new[] { "admin" })]
    public async Task Me_returns_the_callers_principal(string id, string name, string[] roles)
    {
        var body = await (await platform.ClientFor(id).GetAsync("/api/me", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal(name, body.GetProperty("displayName").GetString());
        Assert.Equal(roles, body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray());
        Assert.Equal("威海市", body.GetProperty("municipality").GetString());
    }

    [Fact]
    public async Task Every_listed_department_has_a_development_key()
    {
        string[] ids =
        [
            "ndrc", "housing", "transport", "water", "agriculture", "industry", "commerce", "ocean", "health",
            "natural-resources", "ecology", "forestry", "sports", "defense-mobilization", "finance", "audit", "sasac",
            "market", "big-data", "approval", "police", "procuratorate", "court", "approval-system", "trading-center", "admin",
        ];
        var listed = await (await platform.ClientFor("admin").GetAsync("/api/principals", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed.EnumerateArray().Select(p => p.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        foreach (var id in ids)
        {
            var response = await platform.ClientFor(id).GetAsync("/api/me", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task No_credentials_is_a_401_problem()
    {
        var response = await platform.CreateClient().GetAsync("/api/me", TestContext.Current.CancellationToken);
        var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer dev-nobody", "The API key is not valid.")]
    [InlineData("Basic aG91c2luZzpwdw==", "The Authorization header must be 'Bearer <api key>'.")]
    public async Task A_wrong_key_is_a_401_saying_why(string header, string detail)
    {
        var client = platform.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        var problem = await (await client.GetAsync("/api/me", TestContext.Current.CancellationToken)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_department_acting_as_coordinator_is_a_403_problem()
    {
        var problem = await (await platform.ClientFor("housing").GetAsync("/api/principals", TestContext.Current.CancellationToken)).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("housing", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_dev_keys_are_refused_and_configured_keys_work()
    {
        const string key = "k3y-for-housing-in-production";
        using var production = new PlatformFactory("Production")
            .With("Identity:ApiKeys:housing:0", ApiKeyDirectory.Hash(key))
            .With("Identity:ApiKeys:ndrc:0", ApiKeyDirectory.Hash("dev-ndrc"));
        var dev = production.ClientFor("ndrc");
        var problem = await (await dev.GetAsync("/api/me", TestContext.Current.CancellationToken)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Development keys are accepted only in the Development environment.", problem.GetProperty("detail").GetString());

        var real = production.CreateClient();
        real.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var me = await (await real.GetAsync("/api/me", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal("housing", me.GetProperty("id").GetString());
    }

    [Fact]
    public void Key_hashes_that_name_an_unknown_principal_stop_start_up()
    {
        using var factory = new PlatformFactory().With("Identity:ApiKeys:mayor:0", ApiKeyDirectory.Hash("x"));
        var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("'mayor'", e.InnerException?.Message ?? e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_municipality_is_another_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"municipality-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "Municipality": { "Name": "焦作市", "RegionCode": "410800", "Principals": [
              { "Id": "ndrc", "DisplayName": "焦作市发展和改革委员会", "Roles": ["department", "coordinator"] },
              { "Id": "housing", "DisplayName": "修武县住房和城乡建设局", "Roles": ["department"] } ] } }
            """, TestContext.Current.CancellationToken);
        try
        {
            using var other = new PlatformFactory().With("Municipality:File", file);
            var me = await (await other.ClientFor("housing").GetAsync("/api/me", TestContext.Current.CancellationToken)).ReadJsonAsync();
            Assert.Equal("修武县住房和城乡建设局", me.GetProperty("displayName").GetString());
            Assert.Equal("焦作市", me.GetProperty("municipality").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
